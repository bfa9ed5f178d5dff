"""The baseline: a bare Textual app, a single Static and a Footer."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

MARKER = "Ready"


class BareApp(App[None]):
    """Smallest app that still paints a screen the way frontdesk does."""

    def compose(self) -> ComposeResult:
        yield Static(MARKER)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
