"""Builds graphstep's one compiled part, the reader of the language's common subset (graphstep/_fastparse.pyx).

It is optional: without Cython or a C compiler graphstep installs and runs the same, parsing in pure Python.
Everything else about the package is in pyproject.toml.
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # no Cython: the pure-Python parser alone
    extensions = []
else:
    extensions = cythonize(
        [Extension("graphstep._fastparse", ["graphstep/_fastparse.pyx"], optional=True)],
        language_level=3, quiet=True,
    )

setup(ext_modules=extensions)
