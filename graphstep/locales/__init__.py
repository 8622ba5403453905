"""The message catalogues, one module per language (``en.py``, ``es.py``), each a flat ``MESSAGES`` dict.

Keys are ``section.name`` (``steps.forward``, ``app.key_next``, ``error.unexpected_char``); texts use
``str.format`` placeholders. Every catalogue has exactly the keys and placeholders of ``en.py``
(tests/test_catalogues.py). Looked up through :func:`graphstep.i18n.t`.
"""
