"""The engine's inputs, read from the database: the beneficiaries (``B``) of a register as the registers and their
events say, month by month, and what was already paid (``P``) from the earlier payroll months.

One implementation: these frames go to ``ansinh.payroll.engine.settle`` exactly as a CSV would.

Beneficiaries: an enrolment is one engine row, or several **segments** (``end_month``) when an event changes
what the rules need — a rate change (category, martyrs, injury rate, TGXH category) from its month, a suspension
by decision (nothing is due while suspended) and its resumption (due again from the resumption's month, which may
be earlier than its decision: the missed months come as arrears), a decrease (due through the month before).
A death is a fact of the person (the registry's death date, or the death event's), the engine stops after its
month. The commune that pays is the one of the last move at the period. A social assistance beneficiary held
after three months not collected (an ``agent_results`` suspension) stays entitled: the hold is applied to the
lines, not to the entitlement, so the months come back as arrears when the payment resumes.

Settled from the register's first payroll month (``origin``): an enrolment decided before it was paid by the
system used until then, so its months before ``origin`` are not settled again; one decided from ``origin`` on is
settled from its own start (arrears for the months before its decision).

Paid: every line of an earlier payroll month whose result is «paid», and every recovery line of a sheet sent to
the payment agent (the overpayment then belongs to the recoveries ledger, not to the next settlement).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ansinh.core.bulk import read_frame
from ansinh.core.sql import compose, table
from ansinh.payroll.models import SENT_STATUSES, LineResult, PayrollLine, PayrollSheet
from ansinh.programmes.models import Enrolment, EnrolmentChange, EnrolmentEvent, EventSource
from ansinh.registry.models import Household, Person

FAR = 10**7  # a month index beyond any period


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_date(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


ENROLMENT_SCHEMA = {
    "enrolment_id": pl.Int64, "person_id": pl.Int64, "commune_id": pl.Int64, "tgxh_category": pl.String,
    "ncc_category": pl.String, "ncc_martyr_count": pl.Int64, "ncc_injury_rate": pl.Int64, "decision_date": pl.Date,
    "start_date": pl.Date, "end_date": pl.Date, "birth_date": pl.Date, "death_date": pl.Date, "is_urban": pl.Boolean,
}
EVENT_SCHEMA = {
    "event_id": pl.Int64, "enrolment_id": pl.Int64, "kind": pl.String, "source": pl.String,
    "effective_month": pl.Date, "ncc_category": pl.String, "ncc_martyr_count": pl.Int64,
    "ncc_injury_rate": pl.Int64, "tgxh_category": pl.String, "death_date": pl.Date, "from_commune_id": pl.Int64,
    "to_commune_id": pl.Int64,
}
SEGMENT_SCHEMA = {
    "enrolment_id": pl.Int64, "person_id": pl.Int64, "start": pl.Int64, "end": pl.Int64, "ncc_category": pl.String,
    "ncc_martyr_count": pl.Int64, "ncc_injury_rate": pl.Int64, "tgxh_category": pl.String,
}


def enrolments_frame(register: str, period: int) -> pl.DataFrame:
    """Every enrolment of ``register`` that started by the end of the period, with its person's facts."""
    last_day = month_date(period + 1) - dt.timedelta(days=1)
    query = compose(
        """SELECT e.id AS enrolment_id, e.person_id, e.commune_id, e.tgxh_category, e.ncc_category,
                  e.ncc_martyr_count, e.ncc_injury_rate, e.decision_date, e.start_date, e.end_date,
                  p.birth_date, p.death_date, h.is_urban
             FROM {enrolments} e JOIN {persons} p ON p.id = e.person_id
             LEFT JOIN {households} h ON h.id = p.household_id
            WHERE e.register = %s AND e.start_date <= %s AND p.merged_into_id IS NULL
            ORDER BY e.id""", register, last_day,
        enrolments=table(Enrolment), persons=table(Person), households=table(Household))
    return read_frame(*query, schema=ENROLMENT_SCHEMA)


def events_frame(register: str) -> pl.DataFrame:
    """The changes of ``register``'s enrolments (the increase events are the enrolments themselves)."""
    query = compose(
        """SELECT ev.id AS event_id, ev.enrolment_id, ev.kind, ev.source, ev.effective_month, ev.ncc_category,
                  ev.ncc_martyr_count, ev.ncc_injury_rate, ev.tgxh_category, ev.death_date,
                  ev.from_commune_id, ev.to_commune_id
             FROM {events} ev JOIN {enrolments} e ON e.id = ev.enrolment_id
            WHERE e.register = %s AND ev.kind <> %s
            ORDER BY ev.enrolment_id, ev.effective_month, ev.id""", register, EnrolmentChange.INCREASE,
        events=table(EnrolmentEvent), enrolments=table(Enrolment))
    return read_frame(*query, schema=EVENT_SCHEMA)


def _last_month(end_date: dt.date | None) -> int:
    """``end_date`` is the first day not entitled («thôi hưởng từ»): the month of the day before is the last."""
    return FAR if end_date is None else month_index(end_date - dt.timedelta(days=1))


@dataclass
class EnrolmentState:
    """What the events of one enrolment give: entitlement segments, the death date, moves and the hold."""

    segments: list[dict]
    death_date: dt.date | None
    moves: list[tuple[int, int]]  # (month index, commune id) in order
    held_from: int | None  # an agent_results hold not lifted yet: from that month


class _StateBuilder:
    """Walks one enrolment's events in order (``_enrolment_state``)."""

    FACTS = ("ncc_category", "ncc_martyr_count", "ncc_injury_rate", "tgxh_category")

    def __init__(self, row: dict):
        self.facts = {k: row[k] for k in self.FACTS}
        self.start, self.last = month_index(row["start_date"]), _last_month(row["end_date"])
        self.segments: list[dict] = []
        self.open_from: int | None = self.start
        self.death = row["death_date"]
        self.moves: list[tuple[int, int]] = []
        self.held_from: int | None = None

    def close(self, until: int) -> None:
        if self.open_from is not None and until >= self.open_from:
            self.segments.append({"start": self.open_from, "end": until, **self.facts})
        self.open_from = None

    def rate_change(self, month: int, event: dict) -> None:
        was_open = self.open_from is not None
        if was_open:
            self.close(month - 1)
        self.facts.update({k: event[k] for k in self.FACTS if event[k] not in (None, "")})
        if was_open:
            self.open_from = max(month, self.start)

    def suspension(self, month: int, event: dict) -> None:
        if event["source"] == EventSource.AGENT_RESULTS:  # a payment hold: still entitled
            self.held_from = month if self.held_from is None else self.held_from
        else:
            self.close(month - 1)

    def resumption(self, month: int, event: dict) -> None:
        self.held_from = None
        if self.open_from is None:
            self.open_from = max(month, self.segments[-1]["end"] + 1 if self.segments else self.start)

    def decrease(self, month: int, event: dict) -> None:
        self.last = min(self.last, month - 1)

    def death_event(self, month: int, event: dict) -> None:
        if event["death_date"] is not None:
            self.death = min(self.death, event["death_date"]) if self.death else event["death_date"]

    def move(self, month: int, event: dict) -> None:
        self.moves.append((month, event["to_commune_id"]))

    def state(self) -> EnrolmentState:
        self.close(FAR)
        cut = [dict(s, end=min(s["end"], self.last)) for s in self.segments]
        return EnrolmentState(segments=[s for s in cut if s["end"] >= s["start"]], death_date=self.death,
                              moves=self.moves, held_from=self.held_from)


_HANDLERS = {EnrolmentChange.RATE_CHANGE: _StateBuilder.rate_change, EnrolmentChange.SUSPENSION: _StateBuilder.suspension,
             EnrolmentChange.RESUMPTION: _StateBuilder.resumption, EnrolmentChange.DECREASE: _StateBuilder.decrease,
             EnrolmentChange.DEATH: _StateBuilder.death_event, EnrolmentChange.MOVE: _StateBuilder.move}


def _enrolment_state(row: dict, events: list[dict]) -> EnrolmentState:
    builder = _StateBuilder(row)
    for event in events:
        handler = _HANDLERS.get(event["kind"])
        if handler is not None:
            handler(builder, month_index(event["effective_month"]), event)
    return builder.state()


def enrolment_entitled_on(enrolment: Enrolment, day: dt.date) -> bool:
    """Whether one enrolment entitles its person (or household) on ``day``: the engine's own reading of its events
    (suspensions, resumptions, decreases, death), for a single enrolment (the API's «enrolled on date D»)."""
    if day < enrolment.start_date or (enrolment.end_date is not None and day >= enrolment.end_date):
        return False
    person_death = enrolment.person.death_date if enrolment.person_id else None
    row = {name: getattr(enrolment, name) for name in _StateBuilder.FACTS}
    row.update(start_date=enrolment.start_date, end_date=enrolment.end_date, death_date=person_death)
    events = [e for e in enrolment.events.all() if e.kind != EnrolmentChange.INCREASE]
    events.sort(key=lambda e: (e.effective_month, e.pk))
    state = _enrolment_state(row, [{"kind": e.kind, "source": e.source, "effective_month": e.effective_month,
                                    "death_date": e.death_date, "to_commune_id": e.to_commune_id,
                                    **{name: getattr(e, name) for name in _StateBuilder.FACTS}} for e in events])
    if state.death_date is not None and day > state.death_date:
        return False
    month = month_index(day)
    return any(segment["start"] <= month <= segment["end"] for segment in state.segments)


@dataclass
class Beneficiaries:
    """The engine's B frame of one register and what the lines need beside it."""

    frame: pl.DataFrame  # engine columns (+ enrolment_id, commune_id)
    segments: pl.DataFrame  # person_id, enrolment_id, start, end, facts: to explain each line
    held: pl.DataFrame  # person_id, enrolment_id, held_from: payments held (agent_results suspension)
    communes: pl.DataFrame  # person_id, enrolment_id, commune_id at the period
    missing_category: int  # NCC enrolments without a category: not settled (a warning)


def beneficiaries(register: str, period: int, origin: int, *, tgxh_for_topup: bool = True) -> Beneficiaries:
    """The register's B frame for ``period`` (a month index), settled from ``origin``."""
    enrolments = enrolments_frame(register, period)
    missing = 0
    if register == "ncc":
        missing = enrolments.filter(pl.col("ncc_category").fill_null("") == "").height
        enrolments = enrolments.filter(pl.col("ncc_category").fill_null("") != "")
    events = events_frame(register)
    by_enrolment = {key[0]: group.to_dicts() for key, group in events.group_by(["enrolment_id"])} if events.height else {}
    segments, communes, held = [], [], []
    simple = enrolments.filter(~pl.col("enrolment_id").is_in(list(by_enrolment)))
    detailed = enrolments.filter(pl.col("enrolment_id").is_in(list(by_enrolment)))
    segments.append(_simple_segments(simple))
    for row in detailed.iter_rows(named=True):
        state = _enrolment_state(row, by_enrolment[row["enrolment_id"]])
        for segment in state.segments:
            segments.append(pl.DataFrame([{"enrolment_id": row["enrolment_id"], "person_id": row["person_id"],
                                           **segment}], schema=SEGMENT_SCHEMA))
        commune = row["commune_id"]
        if state.moves:
            first_from = by_enrolment[row["enrolment_id"]]
            origin_commune = next((e["from_commune_id"] for e in first_from if e["kind"] == EnrolmentChange.MOVE
                                   and e["from_commune_id"]), commune)
            commune = origin_commune
            for month, to_commune in state.moves:
                if month <= period:
                    commune = to_commune
        communes.append((row["person_id"], row["enrolment_id"], commune))
        if state.held_from is not None:
            held.append((row["person_id"], row["enrolment_id"], state.held_from))
    segment_frame = pl.concat(segments, how="vertical_relaxed") if segments else pl.DataFrame(schema=SEGMENT_SCHEMA)
    segment_frame = _settled_window(segment_frame, enrolments, origin, period)
    commune_frame = pl.concat([
        simple.select("person_id", "enrolment_id", "commune_id"),
        pl.DataFrame(communes, schema={"person_id": pl.Int64, "enrolment_id": pl.Int64, "commune_id": pl.Int64},
                     orient="row"),
    ])
    # a death recorded on any register of the person ends every one of them
    people = (enrolments.select("enrolment_id", "person_id", "birth_date", "death_date", "is_urban")
              .join(deaths_recorded(), on="person_id", how="left")
              .with_columns(pl.min_horizontal("death_date", "event_death").alias("death_date"))
              .drop("event_death", "person_id"))
    segment_frame = segment_frame.join(people, on="enrolment_id", how="left")
    # Nothing is due after the month of death: a later segment (a rate change after it) is not a beneficiary row.
    # The first segment stays, so that a start after the death is refused by the engine with its message.
    death_month = (pl.col("death_date").dt.year().cast(pl.Int64) * 12
                   + pl.col("death_date").dt.month().cast(pl.Int64) - 1)
    if register == "topup" and tgxh_for_topup:
        segment_frame = _with_social_assistance(segment_frame, period, origin)
    segment_frame = segment_frame.filter(pl.col("death_date").is_null() | (pl.col("start") <= death_month)
                                         | (pl.col("start") == pl.col("start").min().over("enrolment_id")))
    frame = _engine_frame(segment_frame, register)
    held_frame = pl.DataFrame(held, schema={"person_id": pl.Int64, "enrolment_id": pl.Int64, "held_from": pl.Int64},
                              orient="row")
    return Beneficiaries(frame=frame, segments=segment_frame, held=held_frame, communes=commune_frame,
                         missing_category=missing)


def deaths_recorded() -> pl.DataFrame:
    """The death date of each person recorded as a register change (``person_id, event_death``)."""
    query = compose(
        """SELECT e.person_id, MIN(ev.death_date) AS event_death
             FROM {events} ev JOIN {enrolments} e ON e.id = ev.enrolment_id
            WHERE ev.kind = %s AND ev.death_date IS NOT NULL
            GROUP BY e.person_id""", EnrolmentChange.DEATH, events=table(EnrolmentEvent), enrolments=table(Enrolment))
    return read_frame(*query, schema={"person_id": pl.Int64, "event_death": pl.Date})


def _simple_segments(enrolments: pl.DataFrame) -> pl.DataFrame:
    """Enrolments without events: one segment from the start to the end date."""
    start = pl.col("start_date").dt.year().cast(pl.Int64) * 12 + pl.col("start_date").dt.month().cast(pl.Int64) - 1
    day_before = pl.col("end_date") - pl.duration(days=1)
    end = pl.when(pl.col("end_date").is_null()).then(pl.lit(FAR)).otherwise(
        day_before.dt.year().cast(pl.Int64) * 12 + day_before.dt.month().cast(pl.Int64) - 1)
    return enrolments.select("enrolment_id", "person_id", start.alias("start"), end.alias("end"), "ncc_category",
                             "ncc_martyr_count", "ncc_injury_rate", "tgxh_category").filter(
        pl.col("end") >= pl.col("start")).cast(SEGMENT_SCHEMA)


def _settled_window(segments: pl.DataFrame, enrolments: pl.DataFrame, origin: int, period: int) -> pl.DataFrame:
    """``from_month``: an enrolment decided before the register's first payroll month is settled from it (the
    months before were paid by the system used until then); one decided later from its own start. Segments
    starting after the period are not settled yet."""
    decided = enrolments.select(
        "enrolment_id",
        (pl.col("decision_date").is_not_null()
         & ((pl.col("decision_date").dt.year().cast(pl.Int64) * 12
             + pl.col("decision_date").dt.month().cast(pl.Int64) - 1) >= origin)).alias("_new"))
    return (segments.join(decided, on="enrolment_id", how="left")
            .with_columns(pl.when(pl.col("_new")).then(None).otherwise(pl.lit(origin)).cast(pl.Int64)
                          .alias("from_month"))
            .filter(pl.col("start") <= period).drop("_new"))


def _with_social_assistance(segments: pl.DataFrame, period: int, origin: int) -> pl.DataFrame:
    """Top-up segments cut where the person's social assistance (TGXH register) starts, changes or ends: the
    top-up is the level less the assistance of each month."""
    people = segments["person_id"].unique().to_list()
    if not people:
        return segments.with_columns(pl.lit(None, dtype=pl.String).alias("tgxh_category"))
    tgxh = beneficiaries("tgxh", period, origin, tgxh_for_topup=False).segments.filter(
        pl.col("person_id").is_in(people)).select("person_id", pl.col("start").alias("t_start"),
                                                  pl.col("end").alias("t_end"), pl.col("tgxh_category").alias("t_cat"))
    pieces = []
    by_person = {key[0]: group.sort("t_start").to_dicts() for key, group in tgxh.group_by(["person_id"])}
    for segment in segments.iter_rows(named=True):
        assistance = by_person.get(segment["person_id"], [])
        cursor = segment["start"]
        bounds = sorted({segment["start"], segment["end"] + 1}
                        | {b for a in assistance for b in (a["t_start"], a["t_end"] + 1)
                           if segment["start"] < b <= segment["end"]})
        for low, high in zip(bounds, bounds[1:], strict=False):
            if low < cursor:
                continue
            category = next((a["t_cat"] for a in assistance if a["t_start"] <= low <= a["t_end"]), None)
            pieces.append(dict(segment, start=low, end=high - 1, tgxh_category=category))
            cursor = high
    return pl.DataFrame(pieces, schema=segments.schema)


def _month_expr(column: str) -> pl.Expr:
    index = pl.col(column)
    return pl.concat_str((index // 12).cast(pl.String).str.zfill(4), pl.lit("-"),
                         (index % 12 + 1).cast(pl.String).str.zfill(2))


def _blank_as_null(column: str) -> pl.Expr:
    return pl.when(pl.col(column) == "").then(None).otherwise(pl.col(column)).alias(column)


def _engine_frame(segments: pl.DataFrame, register: str) -> pl.DataFrame:
    """The segments as the engine's B columns (text months; ``end_month`` empty for an open segment)."""
    return segments.sort("person_id", "start").select(
        pl.col("person_id"),
        pl.lit(register).alias("register"),
        _blank_as_null("ncc_category"),
        pl.col("ncc_martyr_count"),
        pl.col("ncc_injury_rate"),
        _blank_as_null("tgxh_category"),
        pl.col("birth_date"),
        pl.col("is_urban").fill_null(False),
        _month_expr("start").alias("start_month"),
        pl.col("death_date"),
        pl.when(pl.col("end") >= FAR).then(None).otherwise(_month_expr("end")).alias("end_month"),
        pl.when(pl.col("from_month").is_null()).then(None).otherwise(_month_expr("from_month")).alias("from_month"),
    )


PAID_SCHEMA = {"person_id": pl.Int64, "entitlement_month": pl.Date, "kind": pl.String, "amount": pl.Int64}


def paid_frame(register: str, period: int) -> pl.DataFrame:
    """The engine's P frame: what earlier payroll months paid (results «paid») and recovered (recovery lines of
    sent sheets), per person, entitlement month and kind."""
    query = compose(
        """SELECT l.person_id, l.entitlement_month, l.kind, SUM(l.amount) AS amount
             FROM {lines} l JOIN {sheets} s ON s.id = l.sheet_id
             LEFT JOIN {results} r ON r.line_id = l.id
            WHERE l.register = %s AND l.month < %s AND s.status IN (%s, %s, %s)
              AND (l.kind = %s OR r.status = %s)
            GROUP BY l.person_id, l.entitlement_month, l.kind""",
        register, month_date(period), *[s.value for s in SENT_STATUSES], "recovery", "paid",
        lines=table(PayrollLine), sheets=table(PayrollSheet), results=table(LineResult))
    frame = read_frame(*query, schema=PAID_SCHEMA)
    return frame.select(pl.col("person_id"), pl.lit(register).alias("register"),
                        pl.col("entitlement_month").dt.strftime("%Y-%m").alias("month"), "kind",
                        pl.col("amount").cast(pl.Int64))


def unpaid_frame(register: str, period: int) -> pl.DataFrame:
    """Amounts sent to the payment agent and returned unpaid, per person, entitlement month and kind."""
    query = compose(
        """SELECT l.person_id, l.entitlement_month, l.kind, SUM(l.amount) AS amount
             FROM {lines} l JOIN {results} r ON r.line_id = l.id
            WHERE l.register = %s AND l.month < %s AND r.status = %s
            GROUP BY l.person_id, l.entitlement_month, l.kind""",
        register, month_date(period), "unpaid", lines=table(PayrollLine), results=table(LineResult))
    return read_frame(*query, schema=PAID_SCHEMA)


def not_collected_frame(register: str, months: list[int]) -> pl.DataFrame:
    """Per person, how many payroll months among ``months`` every line sent to them came back unpaid (only the
    people with at least one such month: the aggregate is done by the database)."""
    if not months:
        return pl.DataFrame(schema={"person_id": pl.Int64, "months": pl.Int64})
    first, last = month_date(min(months)), month_date(max(months))
    query = compose(
        """SELECT t.person_id, COUNT(*) AS months FROM (
               SELECT l.person_id, l.month FROM {lines} l LEFT JOIN {results} r ON r.line_id = l.id
                WHERE l.register = %s AND l.month >= %s AND l.month <= %s AND l.kind <> %s
                GROUP BY l.person_id, l.month
               HAVING SUM(CASE WHEN r.status = %s THEN 0 ELSE 1 END) = 0) t
            GROUP BY t.person_id""",
        register, first, last, "recovery", "unpaid", lines=table(PayrollLine), results=table(LineResult))
    return read_frame(*query, schema={"person_id": pl.Int64, "months": pl.Int64})


def enrolment_state(enrolment: Enrolment) -> EnrolmentState:
    """The state of one enrolment as its events give it (the pages and the change service)."""
    row = {"ncc_category": enrolment.ncc_category, "ncc_martyr_count": enrolment.ncc_martyr_count,
           "ncc_injury_rate": enrolment.ncc_injury_rate, "tgxh_category": enrolment.tgxh_category,
           "start_date": enrolment.start_date, "end_date": enrolment.end_date,
           "death_date": enrolment.person.death_date if enrolment.person_id else None}
    events = [{"kind": e.kind, "source": e.source, "effective_month": e.effective_month,
               "ncc_category": e.ncc_category, "ncc_martyr_count": e.ncc_martyr_count,
               "ncc_injury_rate": e.ncc_injury_rate, "tgxh_category": e.tgxh_category, "death_date": e.death_date,
               "from_commune_id": e.from_commune_id, "to_commune_id": e.to_commune_id}
              for e in enrolment.events.exclude(kind=EnrolmentChange.INCREASE).order_by("effective_month", "pk")]
    # the enrolment row's own end date already reflects decreases and deaths: read the decided facts only
    row["end_date"] = None
    return _enrolment_state(row, events)
