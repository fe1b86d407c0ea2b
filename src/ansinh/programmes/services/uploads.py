"""Writing a checked Mẫu 01–04 file into its list (the ``list_upload`` import kind's commit, in its transaction).

People the registry does not know are registered first, through the registry's bulk path (one-person
households in the commune, with fresh household codes); the rows go into the group's draft list of the
commune (created when missing, or the draft supplementary list of an approved one); the programme's checks
then run on that list.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ansinh.core.locks import advisory_lock
from ansinh.core.tabular import ROW
from ansinh.core.text import clean_name_expr, fold_expr
from ansinh.geo.models import AdminUnit
from ansinh.programmes.imports import rules_inputs, target_list
from ansinh.programmes.models import BeneficiaryList, ListRow, ListSource, ListUpload
from ansinh.programmes.services.checks import lists_check
from ansinh.programmes.services.workflow import list_create
from ansinh.registry.bulk import bulk_insert_registry
from ansinh.registry.models import Person, Relationship
from ansinh.registry.services import household_codes_new


def upload_rows_commit(*, record: ListUpload, valid: pl.DataFrame, actor) -> tuple[BeneficiaryList, int]:
    """(the list written into, the number of people newly registered)."""
    programme, group, commune = record.programme, record.group, record.commune
    target = target_list(programme, group, commune, lock=True)
    new_persons = int(valid["person_id"].is_null().sum())
    valid = _register_new_persons(valid, commune)
    if target is None:
        target = list_create(actor=actor, programme=programme, group=group, commune=commune, source=ListSource.EXCEL,
                             note=f"Lập từ tệp «{record.file_name}» ({group.template})")
    eternal = rules_inputs(group, valid)
    extras = eternal.iter_rows(named=True) if eternal.width else ({} for _ in range(valid.height))
    ListRow.objects.bulk_create([
        ListRow(beneficiary_list=target, person_id=person_id, identity_number=identity, months=months,
                group_amount=amount, amount=amount, source_row=row,
                inputs={**({group.input_variable: True} if group.input_variable else {}),
                        **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in extra.items()}})
        for (row, person_id, identity, months, amount), extra in zip(
            valid.select(ROW, "person_id", "identity", "months", "group_amount").iter_rows(), extras, strict=False)])
    lists_check(programme=programme, list_ids=[target.pk], rule=target.overlap_rule)
    target.refresh_from_db()
    return target, new_persons


def _register_new_persons(valid: pl.DataFrame, commune: AdminUnit) -> pl.DataFrame:
    """People the registry does not know, registered through the registry bulk path (one-person households)."""
    new = valid.filter(pl.col("person_id").is_null())
    if new.is_empty():
        return valid
    persons = new.with_row_index("pid_local", offset=1).select(
        pl.col("pid_local").cast(pl.Int64).alias("person_id"), pl.col("pid_local").cast(pl.Int64).alias("household_id"),
        pl.lit(Relationship.HEAD).alias("relationship"), clean_name_expr(pl.col("full_name")).alias("full_name"),
        "sex", pl.col("birth").alias("birth_date"), pl.col("birth_precision").fill_null("day").alias("birth_precision"),
        pl.lit("01").alias("ethnicity_code"), "pid", "cmnd", pl.lit(None, dtype=pl.Utf8).alias("social_insurance_no"),
        pl.lit("").alias("phone"), pl.lit(None, dtype=pl.Date).alias("death_date"),
        pl.lit(commune.pk, dtype=pl.Int64).alias("commune_id"), pl.lit(None, dtype=pl.Date).alias("joined_date"),
        pl.col("address").fill_null("").str.slice(0, 100).alias("_village"),
    ).with_columns(fold_expr(pl.col("full_name")).alias("search_key"))
    advisory_lock("registry.household_codes")
    households = persons.select(
        "household_id", pl.Series("code", household_codes_new(commune, persons.height)),
        pl.lit(commune.pk, dtype=pl.Int64).alias("commune_id"),
        pl.lit(commune.pk, dtype=pl.Int64).alias("recorded_commune_id"), pl.col("_village").alias("village"),
        pl.lit("").alias("address_detail"), pl.lit(bool(commune.is_urban)).alias("is_urban"),
        pl.col("person_id").alias("head_person_id"))
    bulk_insert_registry(households=households, persons=persons.drop("_village"))
    ids = dict(Person.objects.filter(pid__in=new["pid"].drop_nulls().to_list()).values_list("pid", "pk"))
    ids.update(Person.objects.filter(cmnd__in=new["cmnd"].drop_nulls().to_list()).values_list("cmnd", "pk"))
    return valid.with_columns(
        pl.coalesce(pl.col("person_id"),
                    pl.col("identity").replace_strict(ids, default=None, return_dtype=pl.Int64)).alias("person_id"))
