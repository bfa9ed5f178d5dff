"""Staff & logins (manager): list, add, edit role, reset password or PIN, unlock,
deactivate and reactivate. Nobody is ever deleted."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from frontdesk.data.models import ROLES, StaffMember
from frontdesk.errors import FrontDeskError
from frontdesk.services import accounts
from frontdesk.services.auth import check_password, check_pin
from frontdesk.widgets.dialogs import ConfirmDialog, SecretDialog
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow, plain

__all__ = ["StaffForm", "StaffScreen"]


def _status(member: StaffMember) -> str:
    if not member.active:
        return "inactive"
    if member.locked_until:
        return "LOCKED"
    if member.failed_attempts:
        return f"{member.failed_attempts} failed"
    return "active"


class StaffForm(ModalScreen[StaffMember | None]):
    """Add a login (with password and PIN) or edit one's name, credentials and role."""

    DEFAULT_CSS = """
    StaffForm { align: center middle; }
    StaffForm > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, member: StaffMember | None = None) -> None:
        super().__init__()
        self._member = member

    def compose(self) -> ComposeResult:
        member = self._member
        with Vertical(classes="dense"):
            title = "New staff login" if member is None else f"Edit {member.username}"
            yield Static(title, classes="card-title", markup=False)
            if member is None:
                yield FormRow("Username", Field(id="sf-username", max_length=32))
            yield FormRow(
                "Full name",
                Field(member.full_name if member else "", id="sf-fullname", max_length=80),
            )
            yield FormRow(
                "Credentials",
                Field(
                    member.credentials if member else "",
                    placeholder="MD, PA-C, NP, RN...",
                    id="sf-credentials",
                    max_length=20,
                ),
            )
            yield FormRow(
                "Role",
                Choice(
                    ((r, r) for r in ROLES),
                    allow_blank=False,
                    value=member.role if member else "receptionist",
                    id="sf-role",
                ),
            )
            if member is None:
                yield FormRow("Password", Field(password=True, id="sf-password"))
                yield FormRow(
                    "PIN (4-8 digits)",
                    Field(password=True, restrict=r"[0-9]*", max_length=8, id="sf-pin"),
                )
            yield ErrorLine(id="sf-error")
            yield Static("Enter: next field    Ctrl+S: save    Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#sf-username" if self._member is None else "#sf-fullname").focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        last = "sf-credentials" if self._member else "sf-pin"
        if event.input.id == last:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        role = str(self.query_one("#sf-role", Select).value)
        desk = self.app.desk
        try:
            if self._member is None:
                saved = accounts.add_staff(
                    desk,
                    self._value("sf-username"),
                    self._value("sf-fullname"),
                    role,
                    self._value("sf-password"),
                    self._value("sf-pin"),
                    credentials=self._value("sf-credentials"),
                )
            else:
                saved = accounts.update_staff(
                    desk,
                    self._member.id,
                    full_name=self._value("sf-fullname"),
                    role=role,
                    credentials=self._value("sf-credentials"),
                    original=self._member,
                )
        except FrontDeskError as error:
            self.query_one("#sf-error", ErrorLine).show(error)
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StaffScreen(Screen[None]):
    """The list of logins with an action key for each change."""

    TITLE = "Staff & logins"
    CSS_PATH = "staff.tcss"

    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("p", "password", "Password"),
        Binding("n", "pin", "PIN"),
        Binding("u", "unlock", "Unlock"),
        Binding("d", "deactivate", "Deactivate"),
        Binding("r", "reactivate", "Reactivate", show=False),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#staff-table"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="staff"):
            yield Static("Staff & logins", classes="card-title")
            table: DataTable[str] = DataTable(
                id="staff-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("Username", "Name", "Role", "Status", "Last sign-in")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_list()

    def refresh_list(self, select_id: int | None = None) -> None:
        table = self.query_one("#staff-table", DataTable)
        current = select_id if select_id is not None else self._selected_id()
        table.clear()
        for member in accounts.list_staff(self.app.desk):
            name = member.full_name + (f", {member.credentials}" if member.credentials else "")
            last = (
                self.app.clock.local(member.last_login_at).format("YYYY-MM-DD HH:mm")
                if member.last_login_at
                else "never"
            )
            table.add_row(
                *plain(member.username, name, member.role, _status(member), last),
                key=str(member.id),
            )
        if current is not None:
            for row_index, row_key in enumerate(table.rows):
                if row_key.value == str(current):
                    table.move_cursor(row=row_index)

    def _selected_id(self) -> int | None:
        table = self.query_one("#staff-table", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value)

    def _selected(self) -> StaffMember | None:
        staff_id = self._selected_id()
        if staff_id is None:
            return None
        try:
            return accounts.get_staff(self.app.desk, staff_id)
        except FrontDeskError as error:
            self.app.show_error(error)
            return None

    def _done(self, staff_id: int, message: str) -> None:
        self.refresh_list(select_id=staff_id)
        self.app.notify(message, timeout=4, markup=False)

    def _attempt(self, staff_id: int, message: str, change, *args) -> None:
        try:
            change(self.app.desk, staff_id, *args)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self._done(staff_id, message)

    def action_add(self) -> None:
        def added(member: StaffMember | None) -> None:
            if member is not None:
                self._done(member.id, f"Added {member.username} ({member.role}).")

        self.app.push_screen(StaffForm(), added)

    def action_edit(self) -> None:
        member = self._selected()
        if member is None:
            return

        def edited(saved: StaffMember | None) -> None:
            if saved is not None:
                self._done(saved.id, f"Saved {saved.username}.")

        self.app.push_screen(StaffForm(member), edited)

    def _new_secret(self, what: str, check, change, done: str, *, digits: bool) -> None:
        """Ask for a new password or PIN for the selected login, then save it."""
        member = self._selected()
        if member is None:
            return

        def chosen(secret: str | None) -> None:
            if secret is not None:
                self._attempt(member.id, done.format(member.username), change, secret)

        title = f"New {what} for {member.username}"
        self.app.push_screen(SecretDialog(title, what, check(member), digits=digits), chosen)

    def action_password(self) -> None:
        self._new_secret(
            "password",
            lambda member: lambda text: check_password(text, member.username),
            accounts.reset_password,
            "New password set for {}; the login is unlocked.",
            digits=False,
        )

    def action_pin(self) -> None:
        self._new_secret(
            "PIN",
            lambda member: check_pin,
            accounts.reset_pin,
            "New PIN set for {}.",
            digits=True,
        )

    def action_unlock(self) -> None:
        member = self._selected()
        if member is not None:
            self._attempt(member.id, f"{member.username} is unlocked.", accounts.unlock)

    def action_deactivate(self) -> None:
        member = self._selected()
        if member is None:
            return
        if not member.active:
            self.app.show_error(f"{member.username} is already inactive.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._attempt(
                    member.id, f"{member.username} is deactivated.", accounts.set_active, False
                )

        self.app.push_screen(
            ConfirmDialog(
                "Deactivate login",
                f"Deactivate {member.full_name} ({member.username})? They can no "
                "longer sign in; their history stays.",
                yes="Deactivate",
            ),
            answered,
        )

    def action_reactivate(self) -> None:
        member = self._selected()
        if member is not None and member.active:
            self.app.show_error(f"{member.username} is already active.")
        elif member is not None:
            self._attempt(
                member.id, f"{member.username} is active again.", accounts.set_active, True
            )
