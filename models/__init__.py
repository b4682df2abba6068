"""SQLAlchemy models. Import from here so Alembic sees every table."""

from models.appointments import AppointmentSession, Booking
from models.base import Base
from models.console import AdminSigninFailure, ConsoleSession, ConsoleSignin, Document, PersonNote
from models.field import FieldUpdate
from models.imports import ImportRun
from models.measures import MeasureApplication, MeasureRow
from models.platform import (
    ContactRequest,
    Conversation,
    GroupMember,
    LineGroup,
    LineUser,
    Outbox,
    PlatformFlag,
    ProcessedEvent,
)
from models.register import (
    Area,
    Contract,
    Fund,
    LineLink,
    Membership,
    Payment,
    Person,
    StaffMember,
    VerificationAttempt,
)
from models.richmenus import RichMenu, RichMenuLink
from models.roles import GroupCode, InviteCode, RoleCodeAttempt
from models.scheduling import ClockLock, Holiday, JobMark, ProactiveContact, apscheduler_jobs
from models.standing import DashboardFigures, FollowupStanding, RegisterVersion, StandingState
from models.visits import DataAccess, PromiseToPay, Visit

__all__ = [
    "ImportRun",
    "AdminSigninFailure",
    "ConsoleSession",
    "ConsoleSignin",
    "Document",
    "PersonNote",
    "DashboardFigures",
    "FollowupStanding",
    "RegisterVersion",
    "StandingState",
    "DataAccess",
    "PromiseToPay",
    "Visit",
    "FieldUpdate",
    "GroupCode",
    "InviteCode",
    "RoleCodeAttempt",
    "AppointmentSession",
    "Booking",
    "Area",
    "ClockLock",
    "Holiday",
    "JobMark",
    "ProactiveContact",
    "apscheduler_jobs",
    "Base",
    "ContactRequest",
    "Contract",
    "Conversation",
    "Fund",
    "GroupMember",
    "LineGroup",
    "LineLink",
    "LineUser",
    "MeasureApplication",
    "MeasureRow",
    "Membership",
    "Outbox",
    "Payment",
    "PlatformFlag",
    "Person",
    "ProcessedEvent",
    "RichMenu",
    "RichMenuLink",
    "StaffMember",
    "VerificationAttempt",
]
