#!/usr/bin/env python3
"""Builds module/en-US/NasPS.Cmdlets.dll-Help.xml (MAML) from module/help/*.md.

Each cmdlet's help is a small Markdown file (easy to read and review); PowerShell needs MAML. Format:
  # Verb-Noun
  ## SYNOPSIS / ## DESCRIPTION / ## PARAMETERS (### -Name, then text) / ## EXAMPLES (### Example N, a ```powershell block, text)
Run: python3 tools/New-MamlHelp.py after editing module/help; commit both. The xunit suite checks the XML covers
every cmdlet, every parameter and at least two examples each.
"""
import pathlib, re, sys
from xml.sax.saxutils import escape

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ROOT / "module" / "help"
TARGET = ROOT / "module" / "en-US" / "NasPS.Cmdlets.dll-Help.xml"


def sections(text, level):
    """Split text on headings of the given level into (title, body) pairs."""
    marker = "#" * level + " "
    parts, title, body = [], None, []
    for line in text.splitlines():
        if line.startswith(marker) and not line.startswith(marker + "#"):
            if title is not None:
                parts.append((title, "\n".join(body).strip()))
            title, body = line[len(marker):].strip(), []
        else:
            body.append(line)
    if title is not None:
        parts.append((title, "\n".join(body).strip()))
    return parts


def paras(text):
    return "".join(f"<maml:para>{escape(p.strip())}</maml:para>" for p in re.split(r"\n\s*\n", text) if p.strip())


def command(md):
    (name, body), = sections(md, 1)
    verb, noun = name.split("-", 1)
    s = dict(sections(body, 2))
    params = sections(s.get("PARAMETERS", ""), 3)
    examples = sections(s.get("EXAMPLES", ""), 3)
    out = [f'<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">',
           f"<command:details><command:name>{name}</command:name><command:verb>{verb}</command:verb><command:noun>{noun}</command:noun>",
           f"<maml:description>{paras(s['SYNOPSIS'])}</maml:description></command:details>",
           f"<maml:description>{paras(s['DESCRIPTION'])}</maml:description>",
           "<command:parameters>"]
    for title, text in params:
        pname = title.lstrip("-")
        out.append(f'<command:parameter required="false" globbing="false" pipelineInput="false" position="named"><maml:name>{pname}</maml:name><maml:description>{paras(text)}</maml:description></command:parameter>')
    out.append("</command:parameters><command:examples>")
    for title, text in examples:
        m = re.search(r"```powershell\n(.*?)```", text, re.S)
        if not m:
            sys.exit(f"{name}: example '{title}' has no powershell code block")
        remarks = text[m.end():].strip()
        out.append(f"<command:example><maml:title>-------------------------- {escape(title)} --------------------------</maml:title>"
                   f"<dev:code>{escape(m.group(1).strip())}</dev:code><dev:remarks>{paras(remarks)}</dev:remarks></command:example>")
    out.append("</command:examples></command:command>")
    return "".join(out)


def main():
    files = sorted(SOURCES.glob("*.md"))
    commands = [command(f.read_text(encoding="utf-8")) for f in files if not f.name.startswith("about_")]
    xml = '<?xml version="1.0" encoding="utf-8"?>\n<helpItems schema="maml" xmlns="http://msh">\n' + "\n".join(commands) + "\n</helpItems>\n"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(xml, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(commands)} cmdlets)")


if __name__ == "__main__":
    main()
