"""What each API operation accepts and answers, as pydantic models (API.md).

Request models validate (server/blueprints/api/endpoint.py) and document;
response models only document: the views build their answers from the
services' JSON shapes, and the tests check those against these models.

Bodies are strict, so ``"5"`` is no score and ``true`` no size; query strings
are text by nature and are parsed. Unknown fields are ignored, so older and
newer clients keep working. Every string has a bound within its database
column, and none may carry NUL, which PostgreSQL refuses to store.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationError,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from indexers import DossierHit

from ...services.archive.search import EARLIEST, LATEST
from ...services.cases.policy import Action
from ...vocabulary import ServiceStatus
from ...web import paging

NO_NUL = r"^[^\u0000]*$"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "不得含 NUL 字符 (must not contain the NUL character)")
    return value


def _text(max_length: int, min_length: int | None = None) -> tuple[Any, ...]:
    """The metadata of a bounded string without NUL: ``Annotated[str, *_text(64)]`` (a type checker sees ``str``)."""
    return (
        StringConstraints(max_length=max_length, min_length=min_length),
        Field(json_schema_extra={"pattern": NO_NUL}),
        AfterValidator(_no_nul),
    )


def _header_text(max_length: int) -> tuple[Any, ...]:
    """Header values cannot carry NUL; a file name's characters arrive percent-encoded and are cleaned later."""
    return (StringConstraints(max_length=max_length),)


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "date_range", f"须在 {EARLIEST} 至 {LATEST} 之间 (must be from {EARLIEST} to {LATEST})"
        )
    return value


# JSON Schema bounds no date: the pattern keeps the years in range, _plausible the exact ends.
PlausibleDate = Annotated[
    date,
    AfterValidator(_plausible),
    Field(
        description=f"YYYY-MM-DD, from {EARLIEST} to {LATEST}",
        json_schema_extra={"pattern": r"^(19|20|21)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"},
    ),
]


def _number(value: Any) -> Any:
    if isinstance(value, (bool, str)):
        raise PydanticCustomError("int_type", "须为整数 (must be a whole number)")
    return value


# JSON Schema counts 5.0 as an integer, so it is one; true and "5" are not.
WholeNumber = Annotated[int, Field(strict=False), BeforeValidator(_number)]


def _same_paging_message(value: Any, handler) -> int:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("paging", paging.MESSAGE) from None


Page = Annotated[int, Field(ge=1, le=paging.MAX_PAGE), WrapValidator(_same_paging_message)]
PerPage = Annotated[int, Field(ge=1, le=paging.MAX_PER_PAGE), WrapValidator(_same_paging_message)]
Note = Annotated[str, *_text(2000)]
Code = Annotated[str, *_text(64)]
Slot = Annotated[str, *_text(64, 1)]
Identifier = Annotated[str, *_text(64, 1)]


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


class Body(BaseModel):
    """A JSON request body."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Query(BaseModel):
    """A query string: text, parsed into the declared types."""

    model_config = ConfigDict(extra="ignore")


class Paging(Query):
    page: Page = 1
    per_page: PerPage = 20


# --- requests ---------------------------------------------------------------


class TokenRequest(Body):
    username: Annotated[str, *_text(64, 1)]
    password: Annotated[str, *_text(1024, 1)]


class Applicant(Body):
    """A clerk enters the walk-in applicant; an applicant applies as themself and may only give a phone."""

    name: Annotated[str, *_text(200)] = ""
    id_number: Annotated[str, *_text(32)] = ""
    phone: Annotated[str, *_text(32)] = ""


Township = Annotated[str, *_text(64)]


class CreateApplication(Body):
    service_code: Code = Field(min_length=1)
    applicant: Applicant | None = None
    form: dict[str, Any] | None = None
    township: Township = Field("", description="the applicant's township or street (乡镇/街道): ONEWINDOW_TOWNSHIPS")


def _form_or_township_schema(schema: dict[str, Any]) -> None:
    """One of the two must be given; an absent field's None is no value the document may show as a default
    (a default must fit the field's type)."""
    for field in schema.get("properties", {}).values():
        field.pop("default", None)
    schema["anyOf"] = [{"required": ["form"]}, {"required": ["township"]}]


class UpdateForm(Body):
    """Form fields, the township, or both: a body with neither changes nothing and is refused."""

    # Neither may be null: absent means "leave it"; the document says one of the two must be given.
    model_config = ConfigDict(strict=True, extra="ignore", json_schema_extra=_form_or_township_schema)

    # Not unions with None (an error would then be placed under "form.dict[str,any]"): absent is None all the
    # same, since pydantic does not validate a default.
    township: Annotated[
        Township,
        Field(default=None, description='one of ONEWINDOW_TOWNSHIPS; "" clears it'),
    ]
    form: Annotated[dict[str, Any], Field(default=None)]

    @field_validator("township", "form", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("null", "须不为 null，不改的字段请省略 (must not be null: leave the field out)")
        return value

    @model_validator(mode="after")
    def _form_or_township(self) -> UpdateForm:
        if self.form is None and self.township is None:
            raise PydanticCustomError("missing", "须给出 form 或 township (give form, township or both)")
        return self


class Reuse(Body):
    file_id: Identifier


class Submit(Body):
    defer: list[Slot] = Field(
        default_factory=list, max_length=100, description="non-key slots brought later with an undertaking (容缺)"
    )
    undertaking: Note = ""


class Reason(Body):
    reason: Note = ""


class NoteBody(Body):
    note: Note = ""


class Verdict(Body):
    slot: Slot
    ok: bool
    reason: Note = ""


class Review(Body):
    decision: Literal["accept", "accept_with_gap", "correct", "reject"]
    verdicts: list[Verdict] | None = Field(None, max_length=200)
    note: Note = ""
    gap_deadline: PlausibleDate | None = Field(None, description="one deadline for every deferred item")
    gap_deadlines: dict[Slot, PlausibleDate] | None = Field(
        None,
        max_length=100,
        description="accept_with_gap: a deadline per deferred item; by default and at most the promised date, "
        "never in the past",
    )


class GapReview(Body):
    ok: bool
    reason: Note = Field("", description="why the material is refused; required when ok is false")


class Suspend(Body):
    kind: Literal["hearing", "inspection", "testing", "expert_review", "other"] = Field(
        description="the special procedure (行政许可法 第四十五条); each has a longest time in working days"
    )
    reason: Annotated[str, *_text(2000, 1)]


class NewDeadline(Body):
    due_date: PlausibleDate = Field(description="a working day, today or later")
    reason: Annotated[str, *_text(2000, 1)]


class Route(Body):
    departments: list[Code] = Field(min_length=1, max_length=50)
    note: Note = ""


class Decision(Body):
    outcome: Literal["approved", "denied"]
    note: Note = Field("", description="the reasons; required for a denial, printed on the 不予许可决定书")


class DeliveryRequest(Body):
    method: Literal["window", "post", "electronic"]
    date: PlausibleDate = Field(description="YYYY-MM-DD: not in the future, not before the decision")
    note: Note = ""


class RatingRequest(Body):
    score: WholeNumber = Field(ge=1, le=5)
    comment: Note = ""


class StartUpload(Body):
    slot: Slot
    filename: Annotated[str, *_text(500)] = ""
    size: WholeNumber = Field(ge=1, description="the file's length in bytes")


class CaseQuery(Paging):
    status: Annotated[str, *_text(300)] = Field("", description="one status or several, comma-separated")
    service: Code = ""
    overdue: Annotated[bool | None, BeforeValidator(_blank_is_none)] = None
    township: Township = Field("", description="the cases of one township or street (网格化)")


class TrackQuery(Query):
    phone_last4: str | None = Field(
        None, pattern=r"^\d{4}$", description="the last four digits of the applicant's phone"
    )


class SearchQuery(Paging):
    q: Annotated[str, *_text(500)] = Field("", description="terms, ANDed; Chinese is matched without spaces")
    service: Code = ""
    department: Code = ""
    material_type: Code = ""
    applicant_id: Annotated[str, *_text(32)] = ""
    from_: PlausibleDate | None = Field(None, alias="from")
    to: PlausibleDate | None = None

    def params(self) -> dict[str, str]:
        """The search service's parameters, as the archive pages pass them too."""
        values = self.model_dump(by_alias=True, exclude={"page", "per_page"})
        return {name: value.isoformat() if isinstance(value, date) else value or "" for name, value in values.items()}


class Purpose(Query):
    purpose: Annotated[str, *_text(1000)] = Field(
        "", description="why the file is read; required of everyone but the applicant"
    )


class ExportPurpose(Query):
    purpose: Annotated[str, *_text(1000)] = "移交/导出"


class UploadOffset(BaseModel):
    upload_offset: int = Field(alias="Upload-Offset", ge=0, description="bytes the server already has")


class RangeHeader(BaseModel):
    range: Annotated[str, *_header_text(200)] = Field(
        "", alias="Range", description="bytes=START-END, to resume a download"
    )


class UploadName(BaseModel):
    # Long enough for any name a person gives a file, percent-encoded; the name is shortened when stored.
    x_filename: Annotated[str, *_header_text(8000)] = Field(
        "", alias="X-Filename", description="the file's name for a raw body, percent-encoded UTF-8"
    )


# --- responses --------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str
    message: str = Field(description="Chinese, then English in parentheses")
    details: dict[str, Any] = Field(description="what to fix: fields names each invalid field")


class Error(BaseModel):
    error: ErrorDetail


class TokenUser(BaseModel):
    username: str
    role: str
    name: str


class Token(BaseModel):
    token: str
    user: TokenUser


class Department(BaseModel):
    code: str
    name: str


class Departments(RootModel[list[Department]]):
    pass


class MaterialSlot(BaseModel):
    slot: str
    name: str
    material_type: str
    material_type_name: str
    required: bool
    key: bool = Field(description="key (必要) materials cannot be missing at acceptance")
    gap_allowed: bool = Field(description="may be missing at acceptance (容缺)")
    formats: list[str]
    max_bytes: int
    shared: bool
    note: str


class Service(BaseModel):
    code: str
    version: int = Field(description="the guide's version; an edit publishes the next one, cases keep theirs")
    status: ServiceStatus
    name: str
    department: Department
    summary: str
    conditions: str
    legal_basis: str
    time_limit_days: int = Field(description="promised working days (承诺时限)")
    statutory_days: int | None
    fees: str
    retention: str
    retention_label: str
    location: str
    cooperating_departments: list[str]
    materials: list[MaterialSlot]


class Services(RootModel[list[Service]]):
    pass


class Created(BaseModel):
    id: str
    status: str


class Clock(BaseModel):
    used_working_days: int
    limit_working_days: int
    due_date: date | None
    level: Literal["none", "green", "yellow", "red", "paused", "stopped"]


class DeemedAcceptance(BaseModel):
    day: date = Field(description="the last working day a clerk may answer; the next day the law accepts")
    near: bool = Field(description="within one working day of that point: flagged in the clerk's queue")


class CaseSummary(BaseModel):
    id: str
    tracking_number: str | None
    status: str
    status_label: str
    service_code: str
    service_name: str
    applicant_name: str
    created_at: datetime
    submitted_at: datetime | None
    accepted_at: datetime | None
    township: str | None
    clock: Clock
    deemed_acceptance: DeemedAcceptance | None = Field(description="a submitted case's 第三十二条 point")
    escalated: bool = Field(description="overdue and escalated (督办) since its deadline was last set")


class CaseList(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[CaseSummary]


class CaseApplicant(BaseModel):
    name: str
    id_number: str
    phone: str


class GapItem(BaseModel):
    slot: str
    name: str
    deadline: date
    status: Literal["owed", "arrived", "accepted", "refused"]
    status_label: str
    file_id: str | None = Field(description="the material that arrived for this item")
    reason: str = Field(description="why the clerk refused it")
    reviewed_by: str | None
    reviewed_at: datetime | None
    reminded_at: datetime | None


class Gap(BaseModel):
    slots: list[str] = Field(description="the items the decision still waits for")
    undertaking: str
    deadline: date | None = Field(description="the earliest item deadline")
    items: list[GapItem]


class Suspension(BaseModel):
    kind: str
    label: str
    max_days: int
    since: datetime
    resume_by: date = Field(description="the sweep starts the clock again after this day")


class CaseSlot(BaseModel):
    slot: str
    name: str
    required: bool
    key: bool
    formats: list[str]
    max_bytes: int


class ReusedFrom(BaseModel):
    file_id: str | None
    dossier_id: str | None
    archival_code: str | None = Field(None, description="the source dossier's 档号")


Level = Literal["issued", "verified_original", "archived_copy", "uploaded"]


class MaterialVerdict(BaseModel):
    """The clerk's verdict; only an ok verdict raises the material to ``verified_original``."""

    ok: bool
    reason: str
    verified_by: str = Field(description="who gave the verdict")
    verified_at: datetime | None


class CaseMaterial(BaseModel):
    file_id: str
    slot: str
    name: str
    media_type: str
    size: int
    sha256: str
    pages: int | None
    uploaded_at: datetime | None
    reused_from: ReusedFrom | None
    level: Level = Field(
        description="issued (an e-licence), verified_original (a clerk checked it against the original), "
        "archived_copy, uploaded (never checked); a reused copy keeps its level"
    )
    verified_by: str | None = Field(description="who checked it against the original (for a reused copy: its source's)")
    verified_at: datetime | None
    valid_until: datetime | None
    licence_id: str | None
    verdict: MaterialVerdict | None


class CasePart(BaseModel):
    """One routed department's own decision of its part (联办)."""

    department: str
    department_name: str
    status: Literal["pending", "approved", "denied"]
    status_label: str
    note: str = Field(description="the department's opinion; for a denial, its reasons")
    decided_by: str
    decided_at: datetime | None


class CaseDelivery(BaseModel):
    method: Literal["window", "post", "electronic"]
    method_label: str
    date: date | None
    note: str
    delivered_by: str


class CaseResult(BaseModel):
    id: str
    name: str
    filename: str
    media_type: str
    size: int
    sha256: str
    department: str


class CaseEvent(BaseModel):
    seq: int
    at: datetime | None
    actor: str
    role: str
    action: str
    note: str
    before: str
    after: str
    data: dict[str, Any] | None


class CaseNotice(BaseModel):
    id: str
    kind: str
    number: str
    items: list[Any] | None
    note: str
    deadline: date | None
    created_at: datetime | None
    details: dict[str, Any] | None = Field(
        description="a 不予许可决定书's legal basis, bodies of appeal (review_body, court) and every part's outcome"
    )


class CaseRating(BaseModel):
    score: int
    comment: str


class Case(CaseSummary):
    """Everything about one case that its viewer may see."""

    applicant: CaseApplicant
    form: dict[str, Any]
    channel: str
    outcome: str | None = Field(description="approved, partly_approved (部分准予: a joint case's parts differ), denied")
    outcome_label: str | None
    decided_at: datetime | None
    completed_at: datetime | None
    dossier_id: str | None
    gap: Gap | None
    suspension: Suspension | None = Field(description="the special procedure stopping the clock now")
    slots: list[CaseSlot]
    materials: list[CaseMaterial]
    parts: list[CasePart]
    delivery: CaseDelivery | None = Field(description="how and when the result reached the applicant (送达)")
    results: list[CaseResult]
    events: list[CaseEvent]
    notices: list[CaseNotice]
    rating: CaseRating | None
    allowed_actions: list[Action] = Field(description="What the caller may do to this case now")


class Uploaded(BaseModel):
    file_id: str
    slot: str
    name: str
    sha256: str
    size: int
    media_type: str
    pages: int | None


class Submitted(BaseModel):
    id: str
    status: str
    tracking_number: str | None
    deferred: list[str]


class ResultUploaded(BaseModel):
    id: str
    name: str
    sha256: str
    size: int
    media_type: str


class Rated(BaseModel):
    score: int
    comment: str
    follow_up: Literal["open", "closed"] | None


class TrackStep(BaseModel):
    at: datetime | None
    action: str
    status: str


class PublicStatus(BaseModel):
    """No names, numbers or documents: anyone with the tracking number and phone digits sees this."""

    tracking_number: str
    service_name: str
    department: str
    status: str
    status_label: str
    submitted_at: datetime | None
    accepted_at: datetime | None
    due_date: date | None
    completed_at: datetime | None
    steps: list[TrackStep]


class Upload(BaseModel):
    upload_id: str
    slot: str
    filename: str
    size: int
    offset: int
    complete: bool
    file_id: str | None
    name: str | None = Field(None, description="once complete: the filed material")
    sha256: str | None = None
    media_type: str | None = None
    pages: int | None = None


class SearchResult(BaseModel):
    total: int
    page: int
    per_page: int
    hits: list[DossierHit]
    facets: dict[str, dict[str, int]] = Field(description="per facet, dossier counts by value")


class DossierDepartment(BaseModel):
    code: str
    name: str


class DossierCheck(BaseModel):
    ok: bool | None
    at: datetime | None


class DossierFile(BaseModel):
    file_id: str
    seq: int
    name: str
    material_type: str
    material_type_name: str
    class_: str = Field(alias="class")
    media_type: str
    size: int
    pages: int | None
    sha256: str
    sha512: str
    sm3: str | None
    text_status: str


class DossierApplicant(BaseModel):
    name: str
    id_number: str


class DossierEvent(BaseModel):
    at: datetime
    actor: str
    action: str
    ok: bool | None
    detail: dict[str, Any] | None


class Dossier(BaseModel):
    """A partial view (other departments' shared files) has no applicant and no events."""

    dossier_id: str
    archival_code: str
    version: int
    title: str
    service_code: str
    service_name: str
    department: DossierDepartment
    retention: str
    retention_label: str
    opened_at: datetime
    completed_at: datetime
    sealed_at: datetime
    superseded: bool
    replaces: str | None
    check: DossierCheck
    partial: bool
    files: list[DossierFile]
    applicant: DossierApplicant | None = None
    events: list[DossierEvent] | None = None


class LedgerEntry(BaseModel):
    at: datetime
    role: str
    department: str | None
    action: str
    dossier_id: str
    file_id: str | None
    purpose: str
    application_id: str | None


class Ledger(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[LedgerEntry]


class CaseRow(BaseModel):
    id: str
    tracking_number: str | None
    service_code: str
    service_name: str
    applicant_name: str
    status: str
    departments: list[str]
    department_names: list[str]
    used_working_days: int
    limit_working_days: int
    due_date: date | None
    level: str


class HandlingTime(BaseModel):
    code: str
    name: str
    cases: int
    average_working_days: float | None
    max_working_days: int


class HandlingTimes(BaseModel):
    by_service: list[HandlingTime]
    by_department: list[HandlingTime]


class FollowUp(BaseModel):
    application_id: str
    tracking_number: str | None
    service_name: str
    score: int
    comment: str
    rated_at: datetime
    status: str


class Ratings(BaseModel):
    count: int
    average: float | None
    distribution: dict[str, int]
    follow_ups: list[FollowUp]


class TownshipTile(BaseModel):
    township: str = Field(description='a configured township, or "" for cases of none on the list')
    open: int
    warning: int
    overdue: int
    level: Literal["none", "green", "yellow", "red"]


class Supervision(BaseModel):
    generated_at: datetime
    by_state: dict[str, int]
    open_by_level: dict[str, int]
    overdue: list[CaseRow]
    warning: list[CaseRow]
    escalated: list[CaseRow] = Field(description="overdue cases escalated (督办) since their deadline was last set")
    deemed_acceptance_near: int = Field(description="submissions within a working day of deemed acceptance")
    handling_time: HandlingTimes
    ratings: Ratings
    by_township: list[TownshipTile] = Field(description="the grid (网格化), in the order of ONEWINDOW_TOWNSHIPS")


class OpenApiDocument(BaseModel):
    """This document."""

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]


class Check(BaseModel):
    """One dependency's check; what else it reports (backend, counts, a failure's detail) varies by kind."""

    ok: bool


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, Check] = Field(description="database, storage, index, jobs (pending, failed) and more")


# --- applicant accounts and who is signed in (server/blueprints/api/accounts.py) ---


class Registration(Body):
    """An applicant's own account. Lengths only here: the services judge each field and name every bad one
    (the ID number's GB 11643 check digit and birth date, a mobile number, a password hard to guess)."""

    username: Annotated[str, *_text(64)]
    password: Annotated[str, *_text(1024)]
    name: Annotated[str, *_text(200)]
    id_number: Annotated[str, *_text(32)]
    phone: Annotated[str, *_text(32)]
    email: Annotated[str, *_text(254)] = ""


class PasswordChange(Body):
    current_password: Annotated[str, *_text(1024, 1)]
    new_password: Annotated[str, *_text(1024)]


class MeApplicant(BaseModel):
    name: str
    id_number: str = Field(description="masked but for its last 4 characters")
    phone: str = Field(description="masked but for its first 3 and last 4 digits")


class Me(BaseModel):
    username: str
    display_name: str
    role: str = Field(description="applicant, clerk, officer, supervisor, archivist or admin")
    department: str | None = Field(description="the code of the officer's department; null for other roles")
    applicant: MeApplicant | None = Field(description="an applicant's own details, masked; null for staff")


class Registered(Me):
    linked_cases: int = Field(
        description="cases a clerk opened at the window for this ID number, which are now the account's"
    )
