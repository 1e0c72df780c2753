"""The command line speaks Vietnamese by default: help of every command and option, and click's
own words; `--lang en` or `BDG_LANG=en` gives the English of the source."""

from __future__ import annotations

import click
import pytest

from bdg_indicators.cli import cli, main
from bdg_indicators.cli.words import HELP, language_of, use_language


def test_every_command_and_option_has_vietnamese_help() -> None:
    assert set(cli.commands) <= set(HELP)
    for name, command in cli.commands.items():
        options = HELP[name][1]
        for param in command.params:
            if isinstance(param, click.Option) and param.help and param.name != "version":
                assert param.name in options, f"bdg {name} --{param.name} has no Vietnamese help"


def test_help_in_vietnamese_then_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: bdg report")
    assert "Nơi ghi báo cáo" in out
    assert "Tùy chọn:" in out
    assert main(["report", "--help", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: bdg report")
    assert "Where to write the report" in out
    assert "Nơi ghi" not in out


def test_usage_errors_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi: Thiếu tham số 'SPEC'." in err
    assert "Gõ 'bdg report --help' để xem hướng dẫn." in err


@pytest.mark.parametrize(
    ("args", "env", "lang"),
    [
        (["evaluate", "x"], "", "vi"),
        (["evaluate", "x", "--lang", "en"], "", "en"),
        (["evaluate", "x", "--lang=en"], "", "en"),
        (["evaluate", "x"], "en", "en"),
        (["evaluate", "--lang"], "", "vi"),
    ],
)
def test_language_of(monkeypatch: pytest.MonkeyPatch, args: list[str], env: str, lang: str) -> None:
    monkeypatch.setenv("BDG_LANG", env)
    assert language_of(args) == lang


def test_english_restored_for_the_docs() -> None:
    """The docs render the English of the source, whatever ran before."""
    use_language(cli, "vi")
    use_language(cli, "en")
    assert cli.commands["report"].help is not None
    assert cli.commands["report"].help.startswith("Write a report for people")
