"""The pages in English and Simplified Chinese: the browser's language before log-in and when a
person chose none, the person's own choice after (it follows them), and a check that every message
marked for translation has its zh-hans text, neither missing nor fuzzy."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import User

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans,zh;q=0.9,en;q=0.5"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def test_the_browsers_language_before_log_in_and_without_a_choice(client, auditor):
    page = client.get("/login/", **ZH).content.decode()
    assert '<html lang="zh-hans"' in page and "所有时间均为 UTC" in page
    assert "All times are UTC" in client.get("/login/", **EN).content.decode()
    client.force_login(auditor)
    home = client.get("/", **ZH).content.decode()
    assert ">评估</a>" in home and ">供应商</a>" in home and "退出登录" in home


def test_a_persons_choice_overrides_the_browser_and_follows_them(client, auditor):
    client.force_login(auditor)
    response = client.post("/account/language/", {"language": "zh-hans", "next": "/vendors/"}, **EN)
    assert response.status_code == 302 and response["Location"] == "/vendors/"
    assert User.objects.get(pk=auditor.pk).language == "zh-hans"
    page = client.get("/", **EN)
    assert ">评估</a>" in page.content.decode() and page["Content-Language"] == "zh-hans"
    other = type(client)()  # another browser, English: the choice is the person's, not the cookie's
    other.force_login(auditor)
    assert ">评估</a>" in other.get("/", **EN).content.decode()

    client.post("/account/language/", {"language": "en"}, **ZH)
    assert ">Assessments</a>" in client.get("/", **ZH).content.decode()
    client.post("/account/language/", {"language": ""}, **ZH)
    assert User.objects.get(pk=auditor.pk).language == ""
    assert ">评估</a>" in client.get("/", **ZH).content.decode()  # back to the browser's


def test_an_unknown_language_is_400_and_changes_nothing(client, auditor):
    client.force_login(auditor)
    assert client.post("/account/language/", {"language": "klingon"}).status_code == 400
    assert client.get("/account/language/").status_code == 405
    assert User.objects.get(pk=auditor.pk).language == ""


def untranslated(po: str) -> list[str]:
    """The msgids of a .po file whose msgstr is empty, or whose entry is fuzzy."""
    problems = []
    for block in po.split("\n\n"):
        match = re.search(r'^msgid "(.*?)"\n((?:".*"\n)*)msgstr "(.*?)"((?:\n".*")*)', block, re.M)
        if not match:
            continue
        msgid = match.group(1) + "".join(re.findall(r'"(.*)"', match.group(2)))
        msgstr = match.group(3) + "".join(re.findall(r'"(.*)"', match.group(4)))
        if not msgid:
            continue  # the header
        if not msgstr or "#, fuzzy" in block:
            problems.append(msgid)
    return problems


@pytest.mark.slow
def test_every_message_has_its_chinese_text(tmp_path):
    """makemessages over a copy of the tree, then no empty or fuzzy zh-hans message."""
    tree = tmp_path / "tree"
    skip = shutil.ignore_patterns(".venv", "node_modules", "var", "test-artifacts", "staticfiles", ".git", "*.mo")
    shutil.copytree(BASE_DIR, tree, ignore=skip)
    env = {**os.environ, "DEBUG": "true", "VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--ignore", "tests"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
    )
    po = (tree / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert untranslated(po) == []
    committed = (BASE_DIR / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert set(re.findall(r'^msgid "(.+)"$', po, re.M)) <= set(re.findall(r'^msgid "(.+)"$', committed, re.M))


def test_the_check_finds_an_empty_and_a_fuzzy_message():
    po = "\n\n".join(
        [
            'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"',
            'msgid "A"\nmsgstr ""',
            '#, fuzzy\nmsgid "B"\nmsgstr "乙"',
            'msgid "C"\nmsgstr "丙"\n',
        ]
    )
    assert untranslated(po) == ["A", "B"]
