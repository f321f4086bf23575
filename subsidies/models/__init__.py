"""The subsidies models, by domain: programmes (rules and budgets), applications (lines,
attachments, events) and notices. One app label, so moving a model between these modules
needs no migration."""

from .applications import (
    AMOUNT_FIELDS,
    GRANTED_STATUSES,
    OPEN_STATUSES,
    REPORT_OWED_STATUSES,
    ActorRole,
    Application,
    ApplicationAction,
    ApplicationEvent,
    ApplicationLine,
    Attachment,
    AttachmentKind,
    LineKind,
    PrivateStorage,
    Status,
    attachment_path,
    private_storage,
)
from .fields import YenField, validate_not_negative
from .notices import DocumentCounter, Notice, NoticeKind
from .programmes import Budget, ExpenseCategory, ProgrammeRule, RoundingUnit, SubsidyProgramme

__all__ = [
    "AMOUNT_FIELDS",
    "GRANTED_STATUSES",
    "OPEN_STATUSES",
    "REPORT_OWED_STATUSES",
    "ActorRole",
    "Application",
    "ApplicationAction",
    "ApplicationEvent",
    "ApplicationLine",
    "Attachment",
    "AttachmentKind",
    "Budget",
    "DocumentCounter",
    "ExpenseCategory",
    "LineKind",
    "Notice",
    "NoticeKind",
    "PrivateStorage",
    "ProgrammeRule",
    "RoundingUnit",
    "Status",
    "SubsidyProgramme",
    "YenField",
    "attachment_path",
    "private_storage",
    "validate_not_negative",
]
