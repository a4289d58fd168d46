"""Read downloaded workbooks back, and the text a user may type that a spreadsheet would run.

Each export has a test that puts :data:`HOSTILE` text into its data, downloads the file
through the real view and checks with :func:`assert_kept_as_text` that every such text came
out as a text cell holding exactly what was typed.
"""

import io

import openpyxl

HOSTILE = ('=HYPERLINK("http://x","klik")', "+6281234567890", "-1+1", "@SUM(A1)")


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def assert_kept_as_text(content: bytes, *texts: str) -> None:
    """Assert each of ``texts`` is in the workbook, only ever as a text cell, and that the
    workbook holds no formula at all."""
    found: dict[str, set[str]] = {}
    formulas = []
    for sheet in workbook(content).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}")
                if cell.value in texts:
                    found.setdefault(cell.value, set()).add(cell.data_type)
    assert formulas == []
    assert found == {text: {"s"} for text in texts}
