"""Form check boxes: EIO annexes and many national forms list every measure and offence with a
box, and only the ticked ones are requested. A phrase belongs to the nearest box before it on
its line, or on the line above when its own line is an indented continuation."""

import re

from .text import PageText

# OCR reads a bracket of a box as a brace ("[ }", "{X}", "{ ]", seen on fax scans).
_BOX = re.compile(r"[\[{]\s*(?P<tick>[xX✓✔])?\s*[\]}]|(?P<empty>☐)|[☒☑]")
_LINES_UP = 3


def in_unticked_box(page: PageText, original_pos: int) -> bool:
    line = page.line_index(original_pos)
    end = original_pos
    for _ in range(_LINES_UP):
        start = page.line(line)[0]
        boxes = list(_BOX.finditer(page.original, start, end))
        if boxes:
            box = boxes[-1]
            empty_brackets = box.group(0)[0] in "[{" and box.group("tick") is None
            return empty_brackets or box.group("empty") is not None
        continued = page.original[start : start + 1] in (" ", "\t")
        if not continued or line == 0:
            return False
        line -= 1
        end = page.line(line)[1]
    return False
