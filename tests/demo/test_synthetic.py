import random
import re
import unicodedata
from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.core.identity import check_pid
from ansinh.core.text import split_name
from ansinh.demo.synthetic import RELATIONSHIPS, CommuneSpec, Population, generate_population
from ansinh.registry.ethnicities import ETHNICITY_NAMES

REF = date(2026, 1, 1)
N = 20_000
COMMUNES = [
    CommuneSpec(code="18070", name="Phường Thành Sen", is_urban=True, weight=4.0),
    CommuneSpec(code="18100", name="Xã Thạch Hà", is_urban=False, weight=3.0),
    CommuneSpec(code="18352", name="Xã Hương Khê", is_urban=False, weight=2.0),
    CommuneSpec(code="18424", name="Xã Kỳ Anh", is_urban=False, weight=1.0),
]


def _make(persons: int = N, seed: int = 42, communes=COMMUNES) -> Population:
    return generate_population(persons=persons, seed=seed, communes=communes, reference_date=REF)


@pytest.fixture(scope="module")
def pop() -> Population:
    return _make()


@pytest.fixture(scope="module")
def people(pop) -> pl.DataFrame:
    age = (pl.lit(REF) - pl.col("birth_date")).dt.total_days() / 365.2425
    return pop.persons.with_columns(age=age)


def _share(frame: pl.DataFrame, condition: pl.Expr) -> float:
    return frame.filter(condition).height / frame.height


# --- shape -----------------------------------------------------------------
def test_frames_have_the_promised_columns_and_types(pop):
    assert pop.households.schema == pl.Schema(
        {"household_id": pl.Int64, "code": pl.String, "commune_code": pl.String, "village": pl.String,
         "address_detail": pl.String, "is_urban": pl.Boolean, "head_person_id": pl.Int64}
    )
    assert pop.persons.schema == pl.Schema(
        {"person_id": pl.Int64, "household_id": pl.Int64, "relationship": pl.String, "full_name": pl.String,
         "family_name": pl.String, "middle_name": pl.String, "given_name": pl.String, "sex": pl.String,
         "birth_date": pl.Date, "birth_precision": pl.String, "ethnicity_code": pl.String, "pid": pl.String,
         "cmnd": pl.String, "social_insurance_no": pl.String, "phone": pl.String, "death_date": pl.Date,
         "commune_code": pl.String, "joined_date": pl.Date, "left_date": pl.Date}
    )


def test_exactly_the_requested_number_of_persons_with_ids_1_to_n(pop):
    p, h = pop.persons, pop.households
    assert p.height == N
    assert p["person_id"].to_list() == list(range(1, N + 1))
    assert h["household_id"].to_list() == list(range(1, h.height + 1))
    assert set(p["household_id"].unique()) == set(h["household_id"])


def test_closed_vocabularies(pop):
    p = pop.persons
    assert set(p["relationship"].unique()) <= set(RELATIONSHIPS)
    assert set(p["sex"].unique()) == {"M", "F"}
    assert set(p["birth_precision"].unique()) == {"day", "month", "year"}
    assert set(p["ethnicity_code"].unique()) <= set(ETHNICITY_NAMES)
    assert set(p["commune_code"].unique()) == {c.code for c in COMMUNES}


# --- households ----------------------------------------------------------------
def test_each_household_has_exactly_one_head_and_head_person_id_points_to_it(pop):
    heads = pop.persons.filter(pl.col("relationship") == "head")
    assert heads["household_id"].n_unique() == heads.height == pop.households.height
    joined = pop.households.join(heads, on="household_id")
    assert (joined["head_person_id"] == joined["person_id"]).all()


def test_household_sizes_are_realistic(pop):
    sizes = pop.persons.group_by("household_id").len()["len"]
    assert 3.2 <= sizes.mean() <= 3.8
    assert sizes.min() >= 1
    assert sizes.max() <= 9
    assert 0.05 <= (sizes == 1).mean() <= 0.2


def test_household_codes_are_unique_and_readable(pop):
    h = pop.households
    assert h["code"].n_unique() == h.height
    assert h["code"].str.contains(r"^HT\d{5}-\d{6}$").all()
    assert (h["code"].str.slice(2, 5) == h["commune_code"]).all()
    assert h["village"].str.contains(r"^(Thôn|Xóm|Tổ dân phố) ").all()


def test_communes_receive_households_in_proportion_to_weight(pop):
    counts = dict(pop.households.group_by("commune_code").len().iter_rows())
    total = pop.households.height
    weights = {c.code: c.weight for c in COMMUNES}
    for code, weight in weights.items():
        assert abs(counts[code] - total * weight / sum(weights.values())) <= 1
    urban = pop.households.filter(pl.col("commune_code") == "18070")
    assert urban["is_urban"].all()
    assert urban["village"].str.starts_with("Tổ dân phố").all()
    assert not pop.households.filter(pl.col("commune_code") != "18070")["is_urban"].any()


def test_persons_live_in_the_commune_of_their_household(pop):
    joined = pop.persons.join(pop.households, on="household_id", suffix="_h")
    assert (joined["commune_code"] == joined["commune_code_h"]).all()


def test_spouses_are_of_the_other_sex_and_a_similar_age(people):
    heads = people.filter(pl.col("relationship") == "head").select("household_id", head_sex="sex", head_age="age")
    spouses = people.filter(pl.col("relationship") == "spouse").join(heads, on="household_id")
    assert spouses.height > 0.15 * people.height
    assert (spouses["sex"] != spouses["head_sex"]).all()
    assert ((spouses["age"] - spouses["head_age"]).abs() <= 16).all()
    # heads are mostly men
    assert _share(people.filter(pl.col("relationship") == "head"), pl.col("sex") == "M") > 0.6


def test_children_carry_the_fathers_surname_and_are_born_well_after_their_mother(people):
    couples = people.filter(pl.col("relationship").is_in(["head", "spouse"]))
    fathers = couples.filter(pl.col("sex") == "M").select("household_id", father_name="family_name")
    mothers = couples.filter(pl.col("sex") == "F").select("household_id", mother_age="age")
    children = people.filter(pl.col("relationship") == "child")
    with_father = children.join(fathers, on="household_id")
    assert with_father.height > 0.2 * people.height
    assert (with_father["family_name"] == with_father["father_name"]).all()
    with_mother = children.join(mothers, on="household_id")
    gap = with_mother["mother_age"] - with_mother["age"]
    assert gap.min() >= 16.5
    assert gap.max() <= 44.5


def test_siblings_are_born_at_least_a_year_apart_as_a_rule(pop):
    children = pop.persons.filter(pl.col("relationship") == "child").sort("household_id", "birth_date")
    gaps = children.with_columns(
        gap=pl.col("birth_date").diff().dt.total_days().over("household_id") / 365.2425
    )["gap"].drop_nulls()
    assert gaps.len() > 1_000
    assert (gaps < 1.0).mean() < 0.03


def test_some_households_span_three_generations(pop):
    p = pop.persons
    three_gen = p.filter(pl.col("relationship").is_in(["grandchild", "parent"]))["household_id"].n_unique()
    assert three_gen / pop.households.height > 0.1
    assert p.filter(pl.col("relationship") == "daughter_in_law")["sex"].eq("F").all()


# --- ages, dates ------------------------------------------------------------------
def test_the_age_pyramid_looks_like_vietnam_in_the_2020s(people):
    assert 0.18 <= _share(people, pl.col("age") < 15) <= 0.28
    assert 0.06 <= _share(people, pl.col("age") >= 65) <= 0.11
    assert _share(people, pl.col("age") >= 95) < 0.005
    assert 0.47 <= _share(people, pl.col("sex") == "M") <= 0.52


def test_about_15_percent_of_the_pre_1960_born_are_known_by_year_only(people):
    old = people.filter(pl.col("birth_date").dt.year() < 1960)
    assert 0.10 <= _share(old, pl.col("birth_precision") == "year") <= 0.20
    assert 0.005 <= _share(old, pl.col("birth_precision") == "month") <= 0.10
    young = people.filter(pl.col("birth_date").dt.year() >= 1980)
    assert _share(young, pl.col("birth_precision") == "day") > 0.98


def test_imprecise_birth_dates_are_the_first_of_the_month_or_of_january(pop):
    p = pop.persons
    month = p.filter(pl.col("birth_precision") == "month")["birth_date"]
    year = p.filter(pl.col("birth_precision") == "year")["birth_date"]
    assert (month.dt.day() == 1).all()
    assert ((year.dt.day() == 1) & (year.dt.month() == 1)).all()


def test_dates_are_in_order(pop):
    p = pop.persons
    assert (p["birth_date"] <= REF).all()
    assert (p["joined_date"] >= p["birth_date"]).all()
    assert (p["joined_date"] <= REF).all()


def test_about_one_percent_died_in_the_last_five_years_and_left_the_household_then(pop):
    p = pop.persons
    dead = p.filter(pl.col("death_date").is_not_null())
    assert 0.008 <= dead.height / p.height <= 0.012
    assert (dead["death_date"] >= date(2021, 1, 1)).all()
    assert (dead["death_date"] <= REF).all()
    assert (dead["death_date"] >= dead["joined_date"]).all()
    assert (dead["left_date"] == dead["death_date"]).all()
    assert p.filter(pl.col("death_date").is_null())["left_date"].is_null().all()
    assert not (dead["relationship"] == "head").any()
    assert dead["birth_date"].dt.year().median() < 1960


# --- names ----------------------------------------------------------------------
def test_names_are_nfc_and_full_name_is_the_three_parts(pop):
    p = pop.persons
    for column in ("full_name", "family_name", "middle_name", "given_name"):
        values = p[column].unique().to_list()
        assert all(unicodedata.normalize("NFC", v) == v for v in values), column
    rebuilt = p["family_name"] + " " + p["middle_name"] + " " + p["given_name"]
    assert (rebuilt == p["full_name"]).all()
    sample = p.sample(2_000, seed=3)
    for row in sample.iter_rows(named=True):
        assert split_name(row["full_name"]) == (row["family_name"], row["middle_name"], row["given_name"])


def test_nguyen_is_the_most_frequent_surname_at_its_real_share(pop):
    shares = pop.persons["family_name"].value_counts(normalize=True, sort=True)
    assert shares["family_name"][0] == "Nguyễn"
    assert 0.33 <= shares["proportion"][0] <= 0.43
    top = set(shares["family_name"].head(8))
    assert {"Trần", "Lê", "Phan", "Hoàng"} <= top


def test_thi_is_for_women_and_van_for_men(pop):
    words = pop.persons.with_columns(w=pl.col("middle_name").str.split(" "))
    assert not words.filter(pl.col("sex") == "F")["w"].list.contains("Văn").any()
    assert not words.filter(pl.col("sex") == "M")["w"].list.contains("Thị").any()


def test_thi_and_van_dominate_among_the_old_and_fade_among_the_young(pop):
    p = pop.persons.with_columns(year=pl.col("birth_date").dt.year())
    old_women = p.filter((pl.col("sex") == "F") & (pl.col("year") < 1965))
    young_women = p.filter((pl.col("sex") == "F") & (pl.col("year") >= 2010))
    old_men = p.filter((pl.col("sex") == "M") & (pl.col("year") < 1965))
    assert _share(old_women, pl.col("middle_name") == "Thị") > 0.75
    assert _share(young_women, pl.col("middle_name") == "Thị") < 0.55
    assert _share(old_men, pl.col("middle_name") == "Văn") > 0.6
    assert _share(young_women, pl.col("middle_name").str.contains(" ")) > 0.05


def test_a_given_name_never_repeats_the_last_middle_word(pop):
    last_middle = pop.persons["middle_name"].str.split(" ").list.last()
    assert not (last_middle == pop.persons["given_name"]).any()


def test_mostly_kinh_with_a_few_local_minorities(pop):
    p = pop.persons
    assert 0.98 <= _share(p, pl.col("ethnicity_code") == "01") < 1.0
    per_household = p.group_by("household_id").agg(pl.col("ethnicity_code").n_unique())
    assert (per_household["ethnicity_code"] == 1).all()


# --- identity numbers -----------------------------------------------------------
def test_identity_numbers_are_unique(pop):
    p = pop.persons
    for column in ("pid", "cmnd", "social_insurance_no", "phone"):
        values = p[column].drop_nulls()
        assert values.n_unique() == values.len(), column


def test_identity_numbers_have_their_formats(pop):
    p = pop.persons
    assert p["pid"].drop_nulls().str.contains(r"^\d{12}$").all()
    assert p["cmnd"].drop_nulls().str.contains(r"^\d{9}$").all()
    assert p["social_insurance_no"].drop_nulls().str.contains(r"^\d{10}$").all()
    assert p["phone"].drop_nulls().str.contains(r"^0[35789]\d{8}$").all()
    assert p["cmnd"].drop_nulls().str.starts_with("18").mean() > 0.9
    assert p["pid"].drop_nulls().str.starts_with("042").mean() > 0.85


def test_every_pid_agrees_with_sex_and_birth_year(pop):
    with_pid = pop.persons.filter(pl.col("pid").is_not_null())
    year = with_pid["birth_date"].dt.year()
    century_sex = (year >= 2000).cast(pl.Int32) * 2 + (with_pid["sex"] == "F").cast(pl.Int32)
    assert (with_pid["pid"].str.slice(3, 1) == century_sex.cast(pl.String)).all()
    assert (with_pid["pid"].str.slice(4, 2) == (year % 100).cast(pl.String).str.zfill(2)).all()
    rows = with_pid.select("pid", "sex", "birth_date").rows()
    for pid, sex, birth in random.Random(5).sample(rows, 2_000):
        facts = check_pid(pid, sex=sex, birth_year=birth.year)
        assert 1 <= int(facts.province_code) <= 96


def test_most_people_have_a_pid_some_adults_only_a_cmnd(people):
    adults = people.filter(pl.col("age") >= 18)
    assert _share(people, pl.col("pid").is_not_null()) > 0.9
    assert 0.02 <= _share(people, pl.col("pid").is_null() & pl.col("cmnd").is_null()) <= 0.045
    assert 0.035 <= _share(adults, pl.col("pid").is_null() & pl.col("cmnd").is_not_null()) <= 0.07
    assert 0.25 <= _share(adults, pl.col("social_insurance_no").is_not_null()) <= 0.35
    assert 0.55 <= _share(adults, pl.col("phone").is_not_null()) <= 0.67
    minors = people.filter(pl.col("age") < 14)
    assert _share(minors, pl.col("pid").is_not_null()) > 0.9
    assert minors["phone"].is_null().all()


# --- reproducibility ---------------------------------------------------------------
def test_same_seed_gives_identical_frames_another_seed_differs(pop):
    again = _make()
    assert again.persons.equals(pop.persons)
    assert again.households.equals(pop.households)
    other = _make(seed=43)
    assert other.persons.height == N
    assert not other.persons["full_name"].equals(pop.persons["full_name"])
    assert not other.persons["pid"].equals(pop.persons["pid"])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        _make(persons=0)
    with pytest.raises(ValueError):
        _make(communes=[])
    with pytest.raises(ValueError):
        _make(communes=[COMMUNES[0], COMMUNES[0]])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persons=st.integers(min_value=1, max_value=400), seed=st.integers(min_value=0, max_value=2**32 - 1),
       n_communes=st.integers(min_value=1, max_value=4))
def test_invariants_hold_for_any_small_population(persons, seed, n_communes):
    pop = _make(persons=persons, seed=seed, communes=COMMUNES[:n_communes])
    p, h = pop.persons, pop.households
    assert p.height == persons
    assert p.filter(pl.col("relationship") == "head").height == h.height
    assert p.group_by("household_id").len()["len"].is_between(1, 9).all()
    assert (h["head_person_id"].is_in(p.filter(pl.col("relationship") == "head")["person_id"].implode())).all()
    pids = p["pid"].drop_nulls()
    assert pids.n_unique() == pids.len()
    assert all(re.fullmatch(r"\d{12}", x) for x in pids)
    assert (p["joined_date"] >= p["birth_date"]).all()
