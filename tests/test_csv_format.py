"""The CSV dialect the data model promises (UTF-8, no BOM, \\n line ends, NFC) is checked."""
from __future__ import annotations

from pathlib import Path

import pytest

from govpress.validate import validate_package


def _csv_problems(package: Path) -> list[list]:
    report = validate_package(package / "datapackage.json", parity=False, assertions=False)
    return [p for p in report.flatten(["type", "resource", "row", "message"]) if p[0] in ("csv-format", "encoding-error")]


def test_clean_package_has_no_format_problems(built_package: Path) -> None:
    assert _csv_problems(built_package) == []


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda b: b"\xef\xbb\xbf" + b, ["csv-format", "officials", 1,
                                         "the file starts with a byte-order mark (BOM); the package's CSV has none"]),
        (lambda b: b.replace(b"\n", b"\r\n"), ["csv-format", "officials", 1,
                                              "carriage return found: lines must end with \\n, not \\r\\n"]),
        (lambda b: b.replace("Prévot".encode(), "Pre\u0301vot".encode()), ["csv-format", "officials", None,
                                                                             "text is not Unicode NFC (e.g. a decomposed accent)"]),
        (lambda b: b.replace("Prévot".encode(), "Prévot".encode("latin-1")), ["encoding-error", "officials", None, None]),
    ],
    ids=["bom", "crlf", "nfd", "latin-1"],
)
def test_tampered_officials_csv_is_named(package_copy: Path, tamper, expected: list) -> None:  # type: ignore[no-untyped-def]
    path = package_copy / "data" / "officials.csv"
    raw = path.read_bytes()
    assert "Prévot".encode() in raw
    path.write_bytes(tamper(raw))
    found = [p for p in _csv_problems(package_copy) if p[1] == "officials" and p[2] is not None]
    assert found, "the tampered file itself must be named, with the line"
    kind, resource, row, message = found[0]
    assert (kind, resource) == tuple(expected[:2])
    if expected[2] is not None:
        assert row == expected[2]
    else:  # the line of the Prévot row
        lines = raw.split(b"\n")
        assert row == next(i for i, line in enumerate(lines, 1) if "Prévot".encode() in line)
    if expected[3] is not None:
        assert message == expected[3]
    else:
        assert message.startswith("not UTF-8 at byte ")
