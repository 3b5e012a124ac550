"""Major names as sources print them, cleaned the one way both the ETL and the bot read them."""

from __future__ import annotations

import re

# A source's remark inside a major name: an opening bracket, 注/备注/说明 and a colon, up to the closing
# bracket or the end (some files cut the remark off), or a remark about the catalogue code.
_REMARK = re.compile(r"\s*[（(【\[]\s*(?:备注|注|说明|原专业代码)\s*[:：][^）)】\]]*(?:[）)】\]]|$)")
_CODE_NOTE = re.compile(r"\s*[（(][^（）()]*原专业代码[^（）()]*(?:[）)]|$)")


def clean_major(name: str) -> str:
    """A major name without the source's remarks; the name itself when nothing is left."""
    cleaned = _CODE_NOTE.sub("", _REMARK.sub("", name)).strip()
    return cleaned or name
