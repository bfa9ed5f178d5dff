"""Manager > Workstations: a thin client's workstation set up with its address and
printer in one save; a bad address is refused with nothing saved."""

from __future__ import annotations

from frontdesk.data.printer_models import Printer
from frontdesk.screens.workstations import WorkstationForm, WorkstationsScreen
from frontdesk.services import printers, workstations
from frontdesk.services.context import Desk
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in


async def test_a_manager_sets_up_a_workstation_with_its_printer(console) -> None:
    shell = Desk(db=console.db, clock=console.clock, workstation="SETUP", shell=True)
    printers.save_printer(
        shell, Printer(name="Back receipt", connection="network", host="10.0.0.41")
    )
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        console.open_place("workstations")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, WorkstationsScreen)
        await pilot.press("a")
        await pilot.pause()
        form = console.screen
        assert isinstance(form, WorkstationForm)
        form.query_one("#ws-name").value = "FRONT-3"
        form.query_one("#ws-address").value = "10.0.0.300"
        form.query_one("#ws-printer").value = "Back receipt"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "10.0.0.300 is not an IP address" in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM workstations") == 0
        assert db_value(console, "SELECT count(*) FROM workstation_printers") == 0
        form.query_one("#ws-address").value = "10.0.0.23"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, WorkstationsScreen)
        text = screen_text(console)
        assert "FRONT-3 10.0.0.23 - none Back receipt" in text
    assert workstations.recognise(
        console.db, {"SSH_CONNECTION": "10.0.0.23 5000 10.0.0.2 22"}, "x"
    ) == ("FRONT-3", True)
    assert printers.printer_for(console.db, "FRONT-3").name == "Back receipt"
