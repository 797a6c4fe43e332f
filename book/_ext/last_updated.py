"""Each page says when its content last changed: the date of the last commit
that touched its source file, not the date of the build.

Sphinx's own "last updated" is the build time, the same on every page and
new on every build. The date is shown in the page footer by the theme's
last-updated component (html_last_updated_fmt must be set for the theme to
show it; its format is reused here). A page changed but not yet committed
shows the day of the build; outside a git checkout no date is shown. A
translated page (the Chinese site) changes with its catalogue too
(book/locale/<language>/LC_MESSAGES/<page>.po): the later of the two dates,
written the Chinese way.
"""
import subprocess
from datetime import date
from pathlib import Path


def commit_dates(srcdir):
    """{path relative to srcdir: date of the last commit touching it}, from one git log."""
    try:
        log = subprocess.run(["git", "log", "--format=@%cs", "--name-only", "--relative", "."],
                             cwd=srcdir, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates, current = {}, None
    for line in log.splitlines():
        if line.startswith("@"):
            current = line[1:]
        elif line and line not in dates:
            dates[line] = current
    return dates


def modified_files(srcdir):
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "."],
                             cwd=srcdir, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line[3:].strip() for line in out.splitlines()}


def collect(app):
    app.last_commit_dates = commit_dates(app.srcdir)
    app.uncommitted_files = modified_files(app.srcdir)


def set_page_date(app, pagename, templatename, context, doctree):
    if doctree is None or pagename not in app.env.all_docs:
        context["last_updated"] = None
        return
    sources = [Path(app.env.doc2path(pagename)).relative_to(app.srcdir).as_posix()]
    language = app.config.language or "en"
    if language != "en":
        sources += [f"{directory}/{language}/LC_MESSAGES/{pagename}.po" for directory in app.config.locale_dirs]
    dates = [date.today().isoformat() if source in app.uncommitted_files else app.last_commit_dates.get(source)
             for source in sources]
    when = max((d for d in dates if d), default=None)
    if when is None:
        context["last_updated"] = None
    elif language.startswith("zh"):
        day = date.fromisoformat(when)
        context["last_updated"] = f"{day.year} 年 {day.month} 月 {day.day} 日"
    else:
        context["last_updated"] = date.fromisoformat(when).strftime(app.config.html_last_updated_fmt or "%Y-%m-%d")


def setup(app):
    app.connect("builder-inited", collect)
    app.connect("html-page-context", set_page_date)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
