# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled reader: the common subset of the language read at C speed, the same graph node for node.

graphstep.parser calls :func:`read` first. It handles plain ASCII programs of names, numbers, ``+ - * / ^ **``,
brackets, implicit multiplication, calls of the scalar functions and ``name = expr`` statements -- what
big generated graphs are made of -- and returns ``None`` for anything else (LaTeX, Unicode, strings, arrays,
tensor calls, ``e``, ``pi``, folding two constants, any error), which the full parser then reads from the
start. Every rule below mirrors one in lexer.py or parser.py; tests/test_fastparse.py checks that both
give identical graphs on the examples, the suite's sources and random programs.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.ref cimport Py_DECREF, Py_INCREF, PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_SET_ITEM
from libc.string cimport memcpy, memset


cdef extern from "Python.h":
    double PyOS_string_to_double(const char *s, char **endptr, PyObject *overflow_exception) except? -1.0
    void *PyUnicode_DATA(object o)
    ctypedef struct PyTypeObject:
        pass
    object PyType_GenericAlloc(PyTypeObject *type, Py_ssize_t nitems)


class Fallback(Exception):
    """This source is outside the subset: the full parser reads it."""


cdef enum Kind:
    NAME = 1
    FUNC = 2
    NUM = 3
    OP = 4
    SEP = 5
    EOF = 6


cdef struct Tok:
    int kind
    unsigned char op      # an operator's character (`**` is '^')
    Py_ssize_t start
    Py_ssize_t end
    Py_ssize_t text  # NAME/FUNC: index into Reader.texts
    double value     # NUM: the number


cdef struct Slot:
    Py_ssize_t node  # the node a name stands for (parser.Parser.scope), -1 while it stands for none
    bint defined     # bound by a statement (parser.Parser.defined_at)


cdef struct Operand:
    bint ref         # a graph node (Ref) or a number (Const)
    Py_ssize_t id
    double value
    Py_ssize_t start
    Py_ssize_t end


cdef enum:
    MAX_DEPTH = 1000  # parser.MAX_DEPTH: deeper nesting is the full parser's error


cdef inline bint _letter(unsigned char c):
    return (c >= b'a' and c <= b'z') or (c >= b'A' and c <= b'Z')


cdef inline bint _digit(unsigned char c):
    return c >= b'0' and c <= b'9'


cdef inline int _continues(Tok *t):
    """parser._CONTINUES for the subset's tokens: how strongly the token after an operand binds it."""
    if t.kind == OP:
        if t.op == b'+' or t.op == b'-':
            return 10
        if t.op == b'*' or t.op == b'/' or t.op == b'(':
            return 20
        if t.op == b'^':
            return 40
        return -1
    if t.kind == NAME or t.kind == FUNC:
        return 20
    return -1


cdef inline void _set(object node, Py_ssize_t index, object item):
    Py_INCREF(item)  # PyTuple_SET_ITEM takes the reference over
    PyTuple_SET_ITEM(node, index, item)


cdef double[23] _TENS = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                         1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]


cdef inline bint _exact_decimal(const unsigned char *s, Py_ssize_t i, Py_ssize_t j, double *value):
    """A plain decimal such as ``0.25`` or ``12``: at most 15 digits, no exponent. Its digits as an integer
    and the power of ten are both exact doubles, so one IEEE division rounds it correctly, to the double
    float() gives (Clinger's fast path); anything else is left to float()'s own conversion."""
    cdef unsigned long long digits = 0
    cdef int count = 0, scale = 0
    cdef bint after_point = False
    cdef Py_ssize_t k
    for k in range(i, j):
        if s[k] == b'.':
            after_point = True
        elif _digit(s[k]):
            count += 1
            if count > 15:
                return False
            digits = digits * 10 + (s[k] - 48)  # 48: the character 0
            scale += after_point
        else:  # an exponent
            return False
    value[0] = <double>digits / _TENS[scale]
    return True


cdef inline bint _simple(const unsigned char *s, Py_ssize_t j, Py_ssize_t k):
    """lexer._SIMPLE_NAME: one letter, digits, and perhaps ``_`` and digits (``v12``, ``x_1``)."""
    if not _letter(s[j]):
        return False
    j += 1
    while j < k and _digit(s[j]):
        j += 1
    if j < k and s[j] == b'_' and j + 1 < k:
        j += 1
        while j < k and _digit(s[j]):
            j += 1
    return j == k


cdef inline void _replace(object node, Py_ssize_t index, object item):
    Py_INCREF(item)
    Py_DECREF(<object>PyTuple_GET_ITEM(node, index))
    PyTuple_SET_ITEM(node, index, item)


cdef inline str _op_name(unsigned char op):
    if op == b'+':
        return "add"
    if op == b'-':
        return "sub"
    if op == b'*':
        return "mul"
    if op == b'/':
        return "div"
    return "pow"


cdef class Reader:
    cdef str source
    cdef const unsigned char *buf  # the source's characters: ASCII, one byte each
    cdef Py_ssize_t n
    cdef Tok *toks
    cdef Py_ssize_t ntoks, pos, max_nodes
    cdef int depth
    cdef list texts, nodes, ids  # ids: each node's id, one int object shared by every reference (as the full parser)
    cdef dict text_index, words, aliases
    cdef Slot *slots  # one per text in texts
    cdef object node_type, input_op, const_op
    cdef dict functions, right_gate, left_gate
    cdef set func_names, known, prefixes, renamed
    cdef unsigned char starts[128 * 128]  # 1 where a known longer name begins with these two characters
    cdef Py_ssize_t capacity

    def __cinit__(self):
        self.toks, self.slots = NULL, NULL

    def __dealloc__(self):
        PyMem_Free(self.toks)
        PyMem_Free(self.slots)

    def __init__(self, str source, tables, Py_ssize_t max_nodes):
        self.source = source
        self.buf, self.n = <const unsigned char *>PyUnicode_DATA(source), len(source)
        self.max_nodes = max_nodes
        (self.node_type, self.input_op, self.const_op, self.functions, self.func_names, self.right_gate,
         self.left_gate, self.known, self.prefixes, self.renamed) = tables
        bound = self.bindings()
        if bound:  # the program's own longer names join the known ones (a copy: the tables are shared)
            self.known = self.known | bound
            self.prefixes = self.prefixes | {name[:2] for name in bound}
        memset(self.starts, 0, sizeof(self.starts))
        for pair in self.prefixes:
            if len(pair) == 2 and pair.isascii():  # (a word of an ASCII source starts no other)
                self.starts[ord(pair[0]) * 128 + ord(pair[1])] = 1
        self.texts, self.text_index, self.words = [], {}, {}
        self.nodes, self.ids, self.aliases = [], [], {}
        self.pos, self.depth = 0, 0

    # --- tokens (lexer.tokenize) ------------------------------------------------------------------------------

    cdef Tok *push(self, int kind, unsigned char op, Py_ssize_t start, Py_ssize_t end) except NULL:
        cdef Tok *grown
        if self.ntoks == self.capacity:  # grown as needed: a source's length says little about its tokens
            grown = <Tok *>PyMem_Realloc(self.toks, 2 * self.capacity * sizeof(Tok))
            if grown == NULL:
                raise MemoryError()
            self.toks, self.capacity = grown, 2 * self.capacity
        cdef Tok *t = &self.toks[self.ntoks]
        self.ntoks += 1
        t.kind, t.op, t.start, t.end, t.text, t.value = kind, op, start, end, -1, 0.0
        return t

    cdef Py_ssize_t intern(self, str text) except -1:
        """The index of ``text`` among this program's names, and of its Slot."""
        cdef Py_ssize_t n
        cdef Slot *grown
        index = self.text_index.get(text)
        if index is None:
            n = len(self.texts)
            if (n & (n - 1)) == 0:  # at 0, 1, 2, 4, 8, …: room for twice as many
                grown = <Slot *>PyMem_Realloc(self.slots, 2 * (n + 1) * sizeof(Slot))
                if grown == NULL:
                    raise MemoryError()
                self.slots = grown
            self.slots[n].node, self.slots[n].defined = -1, False
            index = self.text_index[text] = n
            self.texts.append(text)
        return index

    cdef set bindings(self):
        """The longer names this program binds, which words are split around: parser._BINDING's matches for an
        ASCII source (``name =`` at a line's start or after ``;``, ``(`` or ``,``; not ``v12``, ``x_1``)."""
        cdef const unsigned char *s = self.buf
        cdef Py_ssize_t n = self.n, i = 0, j, k, m
        found = set()
        while i <= n:
            j = i
            while j < n and (s[j] == b' ' or s[j] == b'\t'):
                j += 1
            if j < n and (_letter(s[j]) or s[j] == b'_'):
                k = j + 1
                while k < n and (_letter(s[k]) or _digit(s[k]) or s[k] == b'_'):
                    k += 1
                m = k
                while m < n and (s[m] == b' ' or s[m] == b'\t'):
                    m += 1
                if m < n and s[m] == b'=' and not (m + 1 < n and s[m + 1] == b'=') and k - j > 1 \
                        and not _simple(s, j, k):
                    found.add(self.source[j:k])
            while i < n and s[i] != b'\n' and s[i] != b';' and s[i] != b'(' and s[i] != b',':
                i += 1
            i += 1
        return found

    cdef tokenize(self):
        cdef const unsigned char *s = self.buf
        cdef Py_ssize_t n = self.n, i = 0, j, depth = 0
        cdef unsigned char c
        self.capacity = n // 4 + 16
        self.toks = <Tok *>PyMem_Malloc(self.capacity * sizeof(Tok))
        if self.toks == NULL:
            raise MemoryError()
        self.ntoks = 0
        while True:
            while i < n and (s[i] == b' ' or s[i] == b'\t' or s[i] == b'\r'):
                i += 1
            if i >= n:
                break
            c = s[i]
            if _letter(c):
                j = i + 1
                while j < n and (_letter(s[j]) or _digit(s[j])):
                    j += 1
                if j < n and s[j] == b'_':  # a subscript: lexer._WORD
                    raise Fallback
                self.word(i, j)
                i = j
            elif _digit(c) or (c == b'.' and i + 1 < n and _digit(s[i + 1])):
                i = self.number(i)
            elif c == b'*':
                if i + 1 < n and s[i + 1] == b'*':
                    self.push(OP, b'^', i, i + 2)
                    i += 2
                else:
                    self.push(OP, c, i, i + 1)
                    i += 1
            elif c == b'+' or c == b'-' or c == b'/' or c == b'^' or c == b'=' or c == b',':
                self.push(OP, c, i, i + 1)
                i += 1
            elif c == b'(' or c == b')':
                depth = depth + 1 if c == b'(' else (depth - 1 if depth > 0 else 0)
                self.push(OP, c, i, i + 1)
                i += 1
            elif c == b'\n' or c == b';':
                if depth == 0 or c == b';':  # a new line inside brackets continues the statement
                    self.push(SEP, c, i, i + 1)
                i += 1
            elif c == b'#':
                while i < n and s[i] != b'\n':
                    i += 1
            else:
                raise Fallback
        self.push(EOF, 0, n, n)

    cdef Py_ssize_t number(self, Py_ssize_t i) except -1:
        """lexer._SCAN's number: ``[0-9]+\\.?[0-9]*`` or ``\\.[0-9]+``, then an optional exponent; its value as
        float() reads it (the same correctly rounded conversion)."""
        cdef const unsigned char *s = self.buf
        cdef Py_ssize_t n = self.n, j = i, k
        cdef char text[64]
        while j < n and _digit(s[j]):
            j += 1
        if j < n and s[j] == b'.':
            j += 1
            while j < n and _digit(s[j]):
                j += 1
        if j < n and (s[j] == b'e' or s[j] == b'E'):
            k = j + 1
            if k < n and (s[k] == b'+' or s[k] == b'-'):
                k += 1
            if k < n and _digit(s[k]):
                while k < n and _digit(s[k]):
                    k += 1
                j = k
        cdef Tok *t = self.push(NUM, 0, i, j)
        if _exact_decimal(s, i, j, &t.value):
            return j
        if j - i < 64:
            memcpy(text, s + i, j - i)
            text[j - i] = 0
            t.value = PyOS_string_to_double(text, NULL, NULL)
        else:
            t.value = float(self.source[i:j])
        return j

    cdef word(self, Py_ssize_t i, Py_ssize_t j):
        """A run of letters and digits: its names as lexer._Words reads them (a word of one name is remembered
        as its text's index times 2, plus 1 for a function), or Fallback."""
        cdef str text = self.source[i:j]
        cdef Tok *t
        cdef Py_ssize_t code
        if j < self.n and self.buf[j] == b'(' and j - i >= 3 and text.isalpha() and text not in self.known:
            raise Fallback  # lexer._check_word may call it an unknown function
        pieces = self.words.get(text)
        if pieces is None:
            pieces = self.words[text] = self.split(text, i, j)
        if type(pieces) is int:
            code = pieces
            t = self.push(FUNC if code & 1 else NAME, 0, i, j)
            t.text = code >> 1
            return
        for index, a, b in pieces:
            t = self.push(NAME, 0, i + a, i + b)
            t.text = index

    cdef object split(self, str text, Py_ssize_t i, Py_ssize_t j):
        """The names of the word ``text``, at ``source[i:j]``."""
        cdef const unsigned char *s = self.buf
        cdef Py_ssize_t p = i + 1, q
        while p < j and _digit(s[p]):
            p += 1
        if p == j:  # one letter and digits: one name (no known name is like that)
            return 2 * self.intern(text)
        if self.starts[s[i] * 128 + s[i + 1]] and text in self.known:
            if text in self.renamed:  # Greek letter names and `pi` are read as other names
                raise Fallback
            return 2 * self.intern(text) + (text in self.func_names)
        pieces = []
        p = i
        while p < j:  # one-letter names with digits, where no known name can start (lexer._plain_names)
            if p + 1 < j and self.starts[s[p] * 128 + s[p + 1]]:
                raise Fallback
            q = p + 1
            while q < j and _digit(s[q]):
                q += 1
            pieces.append((self.intern(self.source[p:q]), p - i, q - i))
            p = q
        return pieces

    # --- the Pratt parser (parser.Parser) ---------------------------------------------------------------------

    def read(self):
        """(nodes, output id, names, inputs) for graph.Graph.made, or Fallback."""
        self.tokenize()
        cdef Operand result, output
        cdef bint have_output = False
        cdef Tok *t
        while True:
            t = &self.toks[self.pos]
            if t.kind == EOF:
                break
            if t.kind == SEP:
                self.pos += 1
                continue
            if self.statement(&result):
                output, have_output = result, True
            t = &self.toks[self.pos]
            if t.kind != EOF and t.kind != SEP:
                raise Fallback
        if not have_output:
            raise Fallback
        cdef Py_ssize_t output_id = self.materialize(output)
        cdef tuple node
        names, inputs = {}, {}  # as graph.Graph's __init__ makes them: named nodes in order, then the aliases
        for item in self.nodes:
            node = <tuple>item
            if node[3] is not None:
                names[node[3]] = node[0]
                if node[1] is self.input_op:
                    inputs[node[3]] = node[0]
        names.update(self.aliases)
        return tuple(self.nodes), output_id, names, inputs

    cdef bint statement(self, Operand *result) except -1:
        """``NAME = expr`` or an expression; True when ``result`` may be the output (not for a constant binding)."""
        cdef Tok *t = &self.toks[self.pos]
        cdef Tok *after
        if t.kind == NAME or t.kind == FUNC:
            after = &self.toks[self.pos + 1]
            if after.kind == OP and after.op == b'=':
                if t.kind == FUNC:
                    raise Fallback
                self.pos += 2
                result[0] = self.expression(0)
                return self.bind(t, result[0])
        result[0] = self.expression(0)
        return True

    cdef bint bind(self, Tok *name_token, Operand value) except -1:
        cdef tuple node
        cdef Slot *slot = &self.slots[name_token.text]
        name = self.texts[name_token.text]
        if not value.ref:  # `x = 3` binds an input, also after the formula that uses x
            if slot.node < 0:
                span = (name_token.start, name_token.end)
                slot.node = self.add_node(self.input_op, (), name, value.value, span)
            elif self.is_free_input(slot):
                node = <tuple>self.nodes[slot.node]
                self.nodes[slot.node] = self.make(node[0], node[1], node[2], node[3], value.value, node[5])
            else:
                raise Fallback
            slot.defined = True
            return False
        if slot.node >= 0:
            raise Fallback
        node = <tuple>self.nodes[value.id]
        if node[3] is None and node[1] != self.input_op:
            _replace(node, 3, name)  # made by this reader and seen by no one else yet: named in place
        else:
            self.aliases[name] = self.ids[value.id]
        slot.node, slot.defined = value.id, True
        return True

    cdef bint is_free_input(self, Slot *slot):
        cdef tuple node = <tuple>self.nodes[slot.node]
        return node[1] == self.input_op and node[4] is None and not slot.defined

    cdef Operand expression(self, int min_bp) except *:
        cdef Operand left, right
        cdef Tok *t
        cdef int bp
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Fallback
        t = &self.toks[self.pos]
        if t.kind == NAME:
            self.pos += 1
            left = self.name(t)
        else:
            left = self.prefix()
        while True:
            t = &self.toks[self.pos]
            bp = _continues(t)
            if bp < min_bp:
                break
            if t.kind == OP and t.op != b'(':
                self.pos += 1
                right = self.expression(39 if t.op == b'^' else bp + 1)
                left = self.binary(_op_name(t.op), left, right)
            else:  # `2x`, `xy`, `(a+b)(c-d)`
                right = self.expression(21)
                left = self.binary("mul", left, right)
        self.depth -= 1
        return left

    cdef Operand name(self, Tok *t) except *:
        cdef Operand o
        cdef Slot *slot = &self.slots[t.text]
        if slot.node < 0:
            text = self.texts[t.text]
            if text == "e":  # Euler's number: e^x is exp(x) (the full parser)
                raise Fallback
            slot.node = self.add_node(self.input_op, (), text, None, (t.start, t.end))
        o.ref, o.id, o.value, o.start, o.end = True, slot.node, 0.0, t.start, t.end
        return o

    cdef Operand prefix(self) except *:
        cdef Tok *t = &self.toks[self.pos]
        cdef Operand o, inner
        self.pos += 1
        if t.kind == NAME:
            return self.name(t)
        if t.kind == NUM:
            o.ref, o.id, o.value, o.start, o.end = False, -1, t.value, t.start, t.end
            return o
        if t.kind == FUNC:
            return self.call(t)
        if t.kind == OP and t.op == b'-':
            inner = self.expression(30)
            if not inner.ref:
                inner.value, inner.start = -inner.value, t.start
                return inner
            o.ref, o.id, o.value, o.start, o.end = False, -1, -1.0, t.start, t.end
            return self.apply("mul", o, inner, t.start, inner.end)
        if t.kind == OP and t.op == b'+':
            return self.expression(30)
        if t.kind == OP and t.op == b'(':
            inner = self.expression(0)
            if not self.at(b')'):
                raise Fallback
            inner.start, inner.end = t.start, self.toks[self.pos].end
            self.pos += 1
            return inner
        raise Fallback

    cdef bint at(self, unsigned char op):
        cdef Tok *t = &self.toks[self.pos]
        return t.kind == OP and t.op == op

    cdef Operand call(self, Tok *t) except *:
        """A scalar function's call ``f(a)`` or ``f(a, b)``; tensor calls and ``\\log x`` are the full parser's."""
        cdef Operand first, second
        cdef int count = 0
        entry = self.functions.get(self.texts[t.text])
        if entry is None or not self.at(b'('):
            raise Fallback
        op_name, arity = entry
        self.pos += 1
        if not self.at(b')'):
            while True:  # the arguments, split at commas (`f(a,)` is the full parser's error)
                if count == 0:
                    first = self.expression(0)
                elif count == 1:
                    second = self.expression(0)
                else:
                    raise Fallback
                count += 1
                if not self.at(b','):
                    break
                self.pos += 1
        if not self.at(b')') or count != arity:
            raise Fallback
        cdef Py_ssize_t end = self.toks[self.pos].end
        self.pos += 1
        if count == 1:
            if not first.ref:
                raise Fallback  # a function of a constant is folded
            return self.gate(op_name, (self.ids[first.id],), None, t.start, end)
        return self.apply(op_name, first, second, t.start, end)

    cdef Operand binary(self, str op, Operand left, Operand right) except *:
        """``left op right``: two nodes, or a node and a number (a constant gate); folding is the full parser's."""
        if left.ref and right.ref:
            return self.gate(op, (self.ids[left.id], self.ids[right.id]), None, left.start, right.end)
        if op == "div" and right.ref == False and right.value == 0.0:
            raise Fallback  # division by zero: the full parser's message
        return self.apply(op, left, right, left.start, right.end)

    cdef Operand apply(self, str op, Operand left, Operand right, Py_ssize_t start, Py_ssize_t end) except *:
        """Parser.apply for two operands, at least one a node: a constant gate where the op has one, else the
        constant becomes a ``const`` node."""
        if left.ref and right.ref:
            return self.gate(op, (self.ids[left.id], self.ids[right.id]), None, start, end)
        if not left.ref and not right.ref:
            raise Fallback  # folding
        if op == "div" and not right.ref and right.value == 0.0:
            raise Fallback
        gate = (self.right_gate if left.ref else self.left_gate).get(op)
        if gate is not None:
            if left.ref:
                return self.gate(gate, (self.ids[left.id],), -right.value if op == "sub" else right.value, start, end)
            return self.gate(gate, (self.ids[right.id],), left.value, start, end)
        cdef Py_ssize_t a = self.materialize(left), b = self.materialize(right)
        return self.gate(op, (self.ids[a], self.ids[b]), None, start, end)

    # --- nodes ------------------------------------------------------------------------------------------------

    cdef Operand gate(self, str op, tuple inputs, constant, Py_ssize_t start, Py_ssize_t end) except *:
        cdef Operand o
        o.ref, o.id, o.value, o.start, o.end = True, self.add_node(op, inputs, None, constant, (start, end)), 0.0, start, end
        return o

    cdef Py_ssize_t add_node(self, str op, tuple inputs, name, constant, tuple span) except -1:
        cdef Py_ssize_t node_id = len(self.nodes)
        if node_id >= self.max_nodes:
            raise Fallback  # the node limit's message is the full parser's
        cdef object key = node_id  # (typed: Cython would keep a C integer and box it at each use)
        self.ids.append(key)
        self.nodes.append(self.make(key, op, inputs, name, constant, span))
        return node_id

    cdef Py_ssize_t materialize(self, Operand o) except -1:
        if o.ref:
            return o.id
        return self.add_node(self.const_op, (), None, o.value, (o.start, o.end))

    cdef object make(self, node_id, op, inputs, name, constant, span):
        """A graph.Node made as tuple.__new__ makes it (its type's allocator, the fields set in place)."""
        node = PyType_GenericAlloc(<PyTypeObject *>self.node_type, 8)
        _set(node, 0, node_id)
        _set(node, 1, op)
        _set(node, 2, inputs)
        _set(node, 3, name)
        _set(node, 4, constant)
        _set(node, 5, span)
        _set(node, 6, None)
        _set(node, 7, None)
        return node



def read(str source, tables, Py_ssize_t max_nodes):
    """The graph's (nodes, output, names, inputs) for a source in the subset, else None."""
    if not source.isascii():
        return None
    try:
        return Reader(source, tables, max_nodes).read()
    except Fallback:
        return None
