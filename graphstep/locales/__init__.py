"""The message catalogues, one module per language (``en.py``, ``es.py``), each a flat ``MESSAGES`` dict.

Keys are ``section.name`` (``steps.forward``, ``app.key_next``, ``error.unexpected_char``); texts use
``str.format`` placeholders, and the words that agree with a count are its plural forms ``{n:one|other}``
(the first when ``n`` is 1). Every catalogue has exactly the keys and placeholders of ``en.py``
(tests/test_catalogues.py). Looked up through :func:`graphstep.i18n.t`.
"""
