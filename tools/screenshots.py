"""Take the README's screenshots: seed a demo into a throwaway database, serve it, drive Chromium.

Run with `make screenshots`. Pages are shot on a 375-px phone and a 1280-px desktop, in Chinese
and in English, logged in as the demo cadre of the first village. Names given on the command line
(`tools/screenshots.py governance organisation`) shoot only the pages whose names start with one
of them.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 860}}
LOCALES = {"zh": "zh-CN", "en": "en-GB"}


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for_server():
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/accounts/login/", timeout=1)  # noqa: S310 (local server)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def shoot(browser, lang, device, pages):
    context = browser.new_context(
        viewport=VIEWPORTS[device], locale=LOCALES[lang], device_scale_factor=1
    )
    page = context.new_page()
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", "cadre1")
    page.fill("#id_password", "demo12345")
    page.click("button.primary")
    page.wait_for_url(f"{BASE}/")
    for name, where in pages.items():
        # A page, or a page and the part of it a phone should be scrolled to.
        path, part = where if isinstance(where, tuple) else (where, None)
        page.goto(f"{BASE}{path}")
        if page.locator(".chart").count():
            # Charts are drawn once their script has loaded, with a short animation.
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)
        if part:
            page.locator(part).first.scroll_into_view_if_needed()
        target = OUT / f"{name}-{lang}-{device}.png"
        page.screenshot(path=str(target), full_page=device == "desktop")
        kept_small(target)
        print(target.relative_to(ROOT))
    context.close()


def kept_small(path: Path) -> None:
    """Keep a screenshot in at most 256 colours, undithered: a page has few colours, text stays
    sharp, and the committed file is a fraction of the size."""
    with Image.open(path) as shot:
        fewer = shot.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    fewer.save(path, optimize=True)


def main():
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "VAR_DIR": var_dir, "DEBUG": "true"}
        env.pop("DATABASE_URL", None)
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("compile_translations", env=env)
        manage("seed_demo", "--seed", "1", env=env)
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for_server()
            detail = household_with_most_members(env)
            gap = household_enrolled_not_eligible(env)
            allowance = household_with_allowance_income(env)
            carried = case_carried_over(env)
            matter = matter_made_public(env)
            village = cadre_village(env)
            land_household = household_renting_land(env)
            pages = {
                "household-list": "/registry/households/",
                "household-detail": f"/registry/households/{detail}/",
                "welfare-gap-report": "/welfare/gaps/?policy=dibao",
                "welfare-household-explanation": f"/welfare/households/{gap}/?policy=dibao",
                "welfare-explanation-excluded-income": (
                    f"/welfare/households/{allowance}/?policy=dibao",
                    "details[open] table.income-lines",
                ),
                "welfare-monitoring-carried-over": f"/welfare/monitoring/{carried}/",
                "governance-matter-path": (f"/decisions/matters/{matter}/", "#path"),
                "governance-meeting-quorum": f"/decisions/meetings/{resolution_meeting(env)}/",
                "organisation-party-roster": f"/organisation/party/?village={village}",
                "organisation-ten-household-groups": f"/organisation/groups/?village={village}",
                "projects-project": f"/projects/{project_handed_over(env)}/",
                "projects-rollup": ("/projects/overview/", "#stage-chart"),
                "economy-collective-income": (
                    f"/economy/villages/{village}/collective/",
                    "#collective-chart",
                ),
                "economy-household-land": f"/economy/households/{land_household}/land/",
                # The guidance of step 8 with its related articles (below it on a phone).
                "library-article": (f"/library/{guidance_of_step(env, 8)}/", "aside.related"),
                "library-search": "/library/?q=低保",
                "glance": f"/reports/villages/{village}/",
                "api-tokens": "/accounts/tokens/",
                "api-docs": ("/api/v1/docs", ".swagger-ui .opblock"),
            }
            wanted = sys.argv[1:]
            if wanted:
                pages = {
                    name: where
                    for name, where in pages.items()
                    if any(name.startswith(prefix) for prefix in wanted)
                }
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=[
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                    ],
                )
                for lang in LOCALES:
                    for device in VIEWPORTS:
                        shoot(browser, lang, device, pages)
                browser.close()
            if not wanted or any("report".startswith(prefix) for prefix in wanted):
                report_first_page(env, village)
        finally:
            server.terminate()
            server.wait()


def household_enrolled_not_eligible(env) -> int:
    """A household of cadre1's village on the subsistence allowance its rule does not select, or
    else one the rule selects that is not enrolled: a line of the gap report either way."""
    return shell_int(
        env,
        "import datetime;"
        "from django.utils import timezone;"
        "from villagedesk.accounts.models import User;"
        "from villagedesk.areas.models import Area;"
        "from villagedesk.welfare.models import Policy;"
        "from villagedesk.welfare.selectors import gap_querysets, policy_compiled;"
        "u = User.objects.get(username='cadre1');"
        "area = Area.objects.get(code=u.area_prefixes()[0].ljust(12, '0'));"
        "policy = Policy.objects.get(code='dibao');"
        "day = timezone.localdate();"
        "compiled = policy_compiled(policy=policy, area=area, day=day);"
        "sets = gap_querysets(compiled=compiled, policy=policy, day=day);"
        "h = sets['enrolled_not_eligible'].order_by('number').first()"
        " or sets['eligible_not_enrolled'].order_by('number').first();"
        "print(h.pk)",
    )


def household_with_allowance_income(env) -> int:
    """A household of cadre1's village that receives the subsistence allowance as income, which
    the allowance's own test leaves out."""
    return shell_int(
        env,
        "from django.utils import timezone;"
        "from villagedesk.accounts.models import User;"
        "from villagedesk.registry.selectors import household_list;"
        "u = User.objects.get(username='cadre1');"
        "year = timezone.localdate().year;"
        "h = household_list(user=u).filter(income_lines__kind='transfer_dibao',"
        " income_lines__year=year).order_by('number').first();"
        "print(h.pk)",
    )


def case_carried_over(env) -> int:
    """A monitoring case of cadre1's village opened last year and still open."""
    return shell_int(
        env,
        "from django.utils import timezone;"
        "from villagedesk.accounts.models import User;"
        "from villagedesk.welfare.models import MonitoredHousehold;"
        "u = User.objects.get(username='cadre1');"
        "prefix = u.area_prefixes()[0];"
        "c = MonitoredHousehold.objects.filter(area_code__startswith=prefix,"
        " year__lt=timezone.localdate().year, risk_eliminated_on=None).order_by('pk').first();"
        "print(c.pk)",
    )


def matter_made_public(env) -> int:
    """A matter of cadre1's village carried through every step of 四议两公开."""
    return shell_int(
        env,
        "from villagedesk.accounts.models import User;"
        "from villagedesk.governance.selectors import matter_list;"
        "u = User.objects.get(username='cadre1');"
        "print(matter_list(user=u).filter(step='result_public').order_by('pk').first().pk)",
    )


def resolution_meeting(env) -> int:
    """The villagers' representatives' meeting that resolved that matter."""
    return shell_int(
        env,
        "from villagedesk.accounts.models import User;"
        "from villagedesk.governance.selectors import matter_list;"
        "u = User.objects.get(username='cadre1');"
        "m = matter_list(user=u).filter(step='result_public').order_by('pk').first();"
        "print(m.steps.get(step='resolution').item.meeting_id)",
    )


def project_handed_over(env) -> int:
    """A project of cadre1's village carried to its handover, with an asset that earns."""
    return shell_int(
        env,
        "from villagedesk.accounts.models import User;"
        "from villagedesk.projects.models import Asset;"
        "u = User.objects.get(username='cadre1');"
        "a = Asset.objects.filter(project__area_code__startswith=u.area_prefixes()[0])"
        ".order_by('pk').first();"
        "print(a.project_id)",
    )


def household_renting_land(env) -> int:
    """A household of cadre1's village that has land transferred out for rent."""
    return shell_int(
        env,
        "from villagedesk.accounts.models import User;"
        "from villagedesk.economy.models import LandTransfer;"
        "u = User.objects.get(username='cadre1');"
        "t = LandTransfer.objects.filter(area_code__startswith=u.area_prefixes()[0])"
        ".order_by('pk').first();"
        "print(t.plot.household_id)",
    )


def cadre_village(env) -> str:
    """The code of cadre1's village."""
    return str(
        shell_int(
            env,
            "from villagedesk.accounts.models import User;"
            "print(User.objects.get(username='cadre1').area_prefixes()[0].ljust(12, '0'))",
        )
    )


def report_first_page(env, village: str) -> None:
    """The first page of the village's monthly report of last month, in Chinese, as LibreOffice
    renders the .docx (docs/screenshots/report-first-page.png)."""
    with tempfile.TemporaryDirectory() as out:
        code = (
            "import datetime;"
            "from django.utils import timezone;"
            "from villagedesk.accounts.models import User;"
            "from villagedesk.areas.models import Area;"
            "from villagedesk.reports.models import ReportJob;"
            "from villagedesk.reports.services import report_write;"
            "until = timezone.localdate().replace(day=1) - datetime.timedelta(days=1);"
            "job = ReportJob.objects.create(user=User.objects.get(username='cadre1'),"
            " kind='village_month', area=Area.objects.get(code='" + village + "'),"
            " since=until.replace(day=1), until=until, language='zh-hans');"
            f"open('{out}/report.docx', 'wb').write(report_write(job_id=job.pk).file.read())"
        )
        manage("shell", "-c", code, env=env)
        # LibreOffice Writer opens the .docx (as the test of the reports does) and Poppler's
        # pdftoppm (Debian's poppler-utils) draws the PDF's first page.
        subprocess.run(  # noqa: S603
            [
                shutil.which("soffice") or "/usr/bin/soffice",
                f"-env:UserInstallation=file://{out}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                out,
                f"{out}/report.docx",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(  # noqa: S603
            [
                shutil.which("pdftoppm") or "/usr/bin/pdftoppm",
                "-png",
                "-r",
                "100",
                "-singlefile",
                "-f",
                "1",
                "-l",
                "1",
                f"{out}/report.pdf",
                f"{out}/report",
            ],
            check=True,
        )
        target = OUT / "report-first-page.png"
        Path(out, "report.png").replace(target)
        kept_small(target)
        print(target.relative_to(ROOT))


def household_with_most_members(env) -> int:
    return shell_int(
        env,
        "from django.db.models import Count;"
        "from villagedesk.accounts.models import User;"
        "from villagedesk.registry.selectors import household_list;"
        "u = User.objects.get(username='cadre1');"
        "h = household_list(user=u).annotate(n=Count('members')).order_by('-n', 'number').first();"
        "print(h.pk)",
    )


def guidance_of_step(env, step: int) -> int:
    """The shipped guidance article of a step of the method, loaded by the demo."""
    return shell_int(
        env,
        "from villagedesk.library.models import Article;"
        f"print(Article.objects.get(key__startswith='step{step:02}_').pk)",
    )


def shell_int(env, code: str) -> int:
    """The number a line of Python run in `manage.py shell` prints last."""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
