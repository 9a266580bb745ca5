"""Site build speed: mlnews beside Hugo and Pelican on the same issues, in one run.

    python bench/site.py [--issues 500] [--entries 25]

1. Composes N weekly issues of M entries (as bench/render.py does) in a new workspace.
2. mlnews: a full build of the site in one language (every issue page, home, sections,
   feeds, search index), then an incremental rebuild after one issue is edited.
3. Hugo (Debian's `hugo`) and Pelican (PyPI) build the same issues, given as Markdown
   posts (what `mlnews render` writes), each with a minimal theme.

Goal (issue 5): mlnews' full build at most 2x Hugo's and faster than Pelican; an
incremental rebuild under 0.3 s.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from mlnews import compose, workspace
from mlnews.library import Library
from mlnews.publish import site
from mlnews.render.links import SiteLinks
from mlnews.render.published import markdown_issue
from mlnews.weeks import Week
from render import fill  # bench/render.py: the same generated issues

LIST = '<ul>{{ range PAGES }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>'
HUGO_LAYOUT = {
    "layouts/_default/baseof.html": "<!doctype html><html><head><title>{{ .Title }}</title></head>"
    '<body>{{ block "main" . }}{{ end }}</body></html>',
    "layouts/_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}',
    "layouts/_default/list.html": '{{ define "main" }}' + LIST.replace("PAGES", ".Pages") + "{{ end }}",
    "layouts/index.html": '{{ define "main" }}' + LIST.replace("PAGES", ".Site.RegularPages") + "{{ end }}",
}
PELICAN_CONF = """
AUTHOR = "bench"
SITENAME = "bench"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
"""


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--entries", type=int, default=25)
    args = parser.parse_args()
    first = Week(2011, 1)
    weeks = [Week.containing(first.start() + timedelta(weeks=n)) for n in range(args.issues)]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        made, _ = workspace.init(root / "ws")
        with Library.open(made.library_path) as library:
            fill(library, weeks, args.entries, random.Random(7))
            for week in weeks:
                compose.compose_week(made.issues_dir, made.config, library, week)
        # mlnews: a cold full build, then one issue edited and built again.
        start = time.perf_counter()
        site.build(made, root / "mlnews-site", ["en"])
        full = time.perf_counter() - start
        edited = made.issues_dir / f"{weeks[len(weeks) // 2]}.md"
        text = edited.read_text(encoding="utf-8")
        edited.write_text(re.sub(r"^### .*$", "### An edited headline", text, count=1, flags=re.M), "utf-8")
        start = time.perf_counter()
        rebuilt = site.build(made, root / "mlnews-site", ["en"])
        incremental = time.perf_counter() - start
        # The same issues as Markdown posts for Hugo and Pelican.
        links = SiteLinks("/", "en")
        posts = {week: markdown_issue(made, week, "en", links) for week in weeks}
        timings = {"mlnews": full}
        if shutil.which("hugo"):
            timings["hugo"] = hugo(root / "hugo", posts, made)
        timings["pelican"] = pelican(root / "pelican", posts, made)
    print(f"{args.issues} weekly issues of {args.entries} entries, one language\n")
    print(f"{'tool':<10}{'full build s':>14}{'x mlnews':>10}")
    for tool, seconds in timings.items():
        print(f"{tool:<10}{seconds:>14.2f}{seconds / full:>10.2f}")
    rewritten = len(rebuilt.written)
    print(f"\nmlnews incremental rebuild after one edit: {incremental:.2f} s ({rewritten} files rewritten)")
    if "hugo" in timings:
        print(f"mlnews / hugo: {full / timings['hugo']:.2f}x (goal <= 2x)")
    print(f"mlnews / pelican: {full / timings['pelican']:.2f}x (goal < 1x)")
    if "hugo" not in timings:
        print("hugo not found: `apt-get install hugo` to compare with it", file=sys.stderr)


def hugo(folder: Path, posts: dict[Week, str], made: workspace.Workspace) -> float:
    for path, text in HUGO_LAYOUT.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    (folder / "config.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "bench"\n', encoding="utf-8"
    )
    content = folder / "content" / "posts"
    content.mkdir(parents=True)
    for week, text in posts.items():
        title = text.splitlines()[0].lstrip("# ")
        date = week.start(made.config.first_weekday).isoformat()
        body = text.split("\n", 1)[1]
        (content / f"{week}.md").write_text(
            f'+++\ntitle = "{title}"\ndate = {date}\n+++\n{body}', encoding="utf-8"
        )
    return timed(["hugo", "--quiet", "-d", str(folder / "public")], folder)


def pelican(folder: Path, posts: dict[Week, str], made: workspace.Workspace) -> float:
    content = folder / "content"
    content.mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for week, text in posts.items():
        title = text.splitlines()[0].lstrip("# ")
        date = week.start(made.config.first_weekday).isoformat()
        body = text.split("\n", 1)[1]
        (content / f"{week}.md").write_text(f"Title: {title}\nDate: {date}\n\n{body}", encoding="utf-8")
    pelican_command = str(Path(sys.executable).parent / "pelican")
    return timed([pelican_command, "content", "-o", "output", "-s", "pelicanconf.py", "-q"], folder)


if __name__ == "__main__":
    main()
