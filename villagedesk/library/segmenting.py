"""Words of Chinese and English text, the same for an article and for a query.

Chinese has no spaces between words, so text is cut into words by jieba in its search mode, which
also gives the shorter words inside a long one (第一书记 gives 第一, 书记 and 第一书记), so that a
two-character word is found inside a longer word or a sentence. Each word is then reduced to runs
of letters and digits, lower-cased: what SQLite's FTS5 (unicode61) and PostgreSQL's 'simple'
configuration both read as one token unchanged, so that both databases match the same words.
"""

import functools
import logging
import re

import jieba

# Terms of the method that jieba's general dictionary would cut apart or miss.
VOCABULARY = (
    "低保",
    "特困",
    "低保边缘",
    "防返贫",
    "两委",
    "村两委",
    "第一书记",
    "工作队",
    "驻村",
    "帮扶单位",
    "四议两公开",
    "十户联户",
    "乡贤",
    "台账",
    "走访",
    "脱贫户",
    "监测户",
    "村民小组",
    "集体经济",
    "党员",
    "留守儿童",
    "留守老人",
)

WORD = re.compile(r"[^\W_]+")

# Words too common to make two articles related (their search still finds them).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 有 要 对 把 被 从 向 为 以 等 也 都 就 还 又 并 而 但 这 那 其 之 "
    "一个 一些 可以 没有 我们 他们 自己 什么 如何 进行 时候 已经 需要 如果 因为 所以 这个 那些 "
    "the and for with that this are was were from each have has had not but they their them "
    "what when which who whom will would can could should into more most one all any its his "
    "her our your you about than then there these those also only how may must been being "
    "out over such some other before after where while does did done".split()
)


@functools.cache
def _segmenter() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in VOCABULARY:
        tokenizer.add_word(word)
    return tokenizer


def terms(text: str) -> list[str]:
    """The words of the text in order, repeats kept: jieba's search mode, each word reduced to
    its runs of letters and digits, lower-cased."""
    words = []
    for piece in _segmenter().cut_for_search(text.lower()):
        words.extend(WORD.findall(piece))
    return words


def significant(words) -> set[str]:
    """The distinct words that say what a text is about: no stop words, no single Chinese
    character, no Latin word under three letters, no bare number."""
    return {
        word
        for word in words
        if word not in STOPWORDS
        and not word.isdigit()
        and len(word) <= 60
        and (len(word) >= 3 if word.isascii() else len(word) >= 2)
    }
