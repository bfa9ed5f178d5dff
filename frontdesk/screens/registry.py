"""Every place in the console a person can open, who may open it and how.

Screens register here as they are built; the app's keys, the home screen, the manager
menu and the command palette are all generated from this list. Screens are imported only
when opened, so start-up stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.screen import Screen

__all__ = ["PLACES", "Place", "children", "made_from", "make", "place", "places_for"]


@dataclass(frozen=True)
class Place:
    """A screen a person can open."""

    name: str
    title: str
    help: str
    roles: tuple[str, ...]  # staff roles that may open it
    opener: str  # "module:Class", imported when first opened
    key: str | None = None  # an app-wide key, e.g. "f8"
    parent: str | None = None  # listed inside another place (e.g. the manager menu)


PLACES: tuple[Place, ...] = (
    Place(
        "book",
        "Appointment book",
        "Book, move, cancel, find the next opening",
        ("receptionist", "manager", "provider", "clinical"),
        "frontdesk.screens.book:BookScreen",
        key="f2",
    ),
    Place(
        "no_shows",
        "No-show list",
        "Past appointments nobody marked: no-show, late cancel, arrived late",
        ("receptionist", "manager"),
        "frontdesk.screens.no_shows:NoShowsScreen",
        parent="book",
    ),
    Place(
        "waitlist",
        "Waitlist",
        "Patients who want an earlier slot: add, remove, book",
        ("receptionist", "manager", "provider", "clinical"),
        "frontdesk.screens.waitlist:WaitlistScreen",
        parent="book",
    ),
    Place(
        "recalls",
        "Recalls",
        "Patients due back by month: contact attempts, close, book, recall cards",
        ("receptionist", "manager", "provider", "clinical"),
        "frontdesk.screens.recalls:RecallsScreen",
        parent="book",
    ),
    Place(
        "patients",
        "Patients",
        "Find, register and edit patients",
        ("receptionist", "manager", "provider", "clinical"),
        "frontdesk.screens.patients:PatientsScreen",
        key="f3",
    ),
    Place(
        "flow",
        "Flow board",
        "Today's patients: check in, rooms, check out",
        ("receptionist", "manager", "provider", "clinical"),
        "frontdesk.screens.flow_board:FlowBoardScreen",
        key="f4",
    ),
    Place(
        "payments",
        "Payments",
        "Payments, deposits, gift cards, refunds, voids",
        ("receptionist", "manager"),
        "frontdesk.screens.account:AccountScreen",
        key="f5",
    ),
    Place(
        "drawer",
        "Cash drawer",
        "Float, paid-outs, drops, blind count and close",
        ("receptionist", "manager"),
        "frontdesk.screens.drawer:DrawerScreen",
        key="f6",
    ),
    Place(
        "day_close",
        "Close of day",
        "Day sheet, deposit slip, sign-off and lock",
        ("manager",),
        "frontdesk.screens.day_close:DayCloseScreen",
        key="f7",
    ),
    Place(
        "manager",
        "Manager",
        "Staff, settings, drawers, printers, backups, audit",
        ("manager",),
        "frontdesk.screens.manager:ManagerScreen",
        key="f8",
    ),
    Place(
        "staff",
        "Staff & logins",
        "Add, edit, reset, unlock or deactivate logins",
        ("manager",),
        "frontdesk.screens.staff:StaffScreen",
        parent="manager",
    ),
    Place(
        "settings",
        "Practice settings",
        "Name, address, time zone, idle lock, limits",
        ("manager",),
        "frontdesk.screens.settings:SettingsScreen",
        parent="manager",
    ),
    Place(
        "drawer_setup",
        "Cash drawers",
        "Each drawer's workstation, printer and default float",
        ("manager",),
        "frontdesk.screens.drawer_setup:DrawerSetupScreen",
        parent="manager",
    ),
    Place(
        "printers",
        "Printers",
        "Receipt printers and each desk's printer",
        ("manager",),
        "frontdesk.screens.printers:PrinterSetupScreen",
        parent="manager",
    ),
    Place(
        "workstations",
        "Workstations",
        "Thin clients: address or Unix user, drawer, printer",
        ("manager",),
        "frontdesk.screens.workstations:WorkstationsScreen",
        parent="manager",
    ),
    Place(
        "backups",
        "Backups",
        "Every backup and whether it verified; back up now",
        ("manager",),
        "frontdesk.screens.backups:BackupsScreen",
        parent="manager",
    ),
    Place(
        "receipts",
        "Today's receipts",
        "Every receipt printed or waiting today; reprint, retry",
        ("receptionist", "manager"),
        "frontdesk.screens.receipts:ReceiptsScreen",
        parent="payments",
    ),
    Place(
        "audit",
        "Audit log",
        "Who changed what, when and where; verify the chain",
        ("manager",),
        "frontdesk.screens.audit:AuditScreen",
        parent="manager",
    ),
    Place(
        "book_setup",
        "Book setup",
        "Providers, rooms, hours, closed days, blocks, types",
        ("manager",),
        "frontdesk.screens.book_setup:BookSetupScreen",
        parent="manager",
    ),
)


def place(name: str) -> Place:
    return next(p for p in PLACES if p.name == name)


def places_for(role: str | None) -> list[Place]:
    """The places a role may open (none before sign-in)."""
    return [p for p in PLACES if role is not None and role in p.roles]


def children(parent: str, role: str | None) -> list[Place]:
    return [p for p in places_for(role) if p.parent == parent]


def made_from(screen: Screen, item: Place) -> bool:
    """Whether `screen` is the screen `item` opens."""
    return f"{type(screen).__module__}:{type(screen).__name__}" == item.opener


def make(item: Place) -> Screen:
    module_name, _, class_name = item.opener.partition(":")
    return getattr(importlib.import_module(module_name), class_name)()
