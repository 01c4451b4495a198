#!/usr/bin/env python3
"""The README stays a map and the docs stay connected.

Checks, from the repository root (or the folder given):
- README.md is at most 16 KB (a map; the long pages are in docs/);
- README.md keeps the "Configuration reference" section with the config-table markers, which the
  config schema's generated table fills;
- every relative link in README.md and docs/**/*.md names a file or folder that exists, and a
  `#anchor` on a Markdown file names one of its headings (GitHub's slugs).
Prints each problem with file and line; exits 1 when there is one.
"""
import os
import re
import sys

README_LIMIT = 16 * 1024
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*```")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*|_(?=\W)|(?<=\W)_", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def lines_outside_code(path):
    """(line number, text) of the lines outside fenced code blocks."""
    inside = False
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if FENCE.match(line):
                inside = not inside
                continue
            if not inside:
                yield number, line


def anchors(path):
    found, seen = set(), {}
    for _, line in lines_outside_code(path):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def markdown_files(root):
    yield os.path.join(root, "README.md")
    for folder, _, names in os.walk(os.path.join(root, "docs")):
        for name in sorted(names):
            if name.endswith(".md"):
                yield os.path.join(folder, name)


def check(root):
    problems = []
    readme = os.path.join(root, "README.md")
    size = os.path.getsize(readme)
    if size > README_LIMIT:
        problems.append(f"README.md: {size} bytes, over the {README_LIMIT}-byte limit")
    text = open(readme, encoding="utf-8").read()
    for needed in ("## Configuration reference", "<!-- config-table:begin -->", "<!-- config-table:end -->"):
        if needed not in text.splitlines():
            problems.append(f"README.md: no line `{needed}`")
    anchor_cache = {}
    for path in markdown_files(root):
        shown = os.path.relpath(path, root)
        for number, line in lines_outside_code(path):
            for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                    continue  # http:, https:, mailto:
                file_part, _, anchor = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
                if not os.path.exists(resolved):
                    problems.append(f"{shown}:{number}: link to {target}: no such file")
                    continue
                if anchor and resolved.endswith(".md"):
                    if resolved not in anchor_cache:
                        anchor_cache[resolved] = anchors(resolved)
                    if anchor not in anchor_cache[resolved]:
                        problems.append(f"{shown}:{number}: link to {target}: no heading with that anchor")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(os.path.abspath(root))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("docs: README within 16 KB, every relative link resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
