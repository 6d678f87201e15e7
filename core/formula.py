"""A small safe evaluator for template formulas — never Python ``eval``.

A formula is an arithmetic expression over figure names, in Decimal:
``(sangong_total - sangong_total_last) / sangong_total_last * 100``.
Allowed: numbers, names, ``+ - * /``, unary minus, parentheses, comparisons
(``< <= > >= == !=``), ``and``/``or``/``not``, and the functions ``min``, ``max``, ``abs``.
The expression is parsed with ``ast`` and walked by an interpreter that knows only these
nodes; anything else (attributes, calls to other names, subscripts, lambdas …) is refused.

``check`` does everything that can be known without the report's figures, so that a template
that loaded can never make scoring crash: the length and nesting are bounded, ``min``/``max``
take two or more arguments and ``abs`` one, ``True``/``False`` are not numbers, constants are
finite and within the bounds of ``core.validate``, a division by a constant zero is refused,
and numbers and conditions are not mixed (``value > 1`` is not a score, ``value`` alone is not a
condition). What only the figures can tell — a denominator that is 0 in this report, a missing
figure — is raised by ``evaluate`` as ``ZeroDivide``/``MissingValue`` (both ``CannotEvaluate``).
"""
from __future__ import annotations

import ast
import functools
from decimal import Decimal, DivisionByZero, InvalidOperation

from core import validate

_FUNCS = {"min": min, "max": max, "abs": abs}
_ARITY = {"min": (2, None), "max": (2, None), "abs": (1, 1)}
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}
_CMPS = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
         ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}
#: Longest formula text, and deepest nesting of its parts.
MAX_FORMULA_CHARS = 500
MAX_FORMULA_DEPTH = 30
NUMBER, CONDITION = "number", "bool"


class FormulaError(ValueError):
    """A formula that cannot be parsed or could never be evaluated (a template bug)."""


class CannotEvaluate(ArithmeticError):
    """The formula cannot be evaluated with this report's figures; ``str(e)`` says why (Chinese)."""


class MissingValue(CannotEvaluate, LookupError):
    """A name the formula needs has no value in the report; ``name`` says which."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class ZeroDivide(CannotEvaluate):
    """The formula divides by zero (e.g. a last-year figure of 0)."""


def _short(expr: str) -> str:
    expr = validate.clean_text(expr)
    return expr if len(expr) <= 60 else expr[:60] + "…"


def parse(expr: str) -> ast.Expression:
    """Parse and validate; raises FormulaError with a Chinese message."""
    if not isinstance(expr, str):
        raise FormulaError("公式应为文字")
    if len(expr) > MAX_FORMULA_CHARS:
        raise FormulaError(f"公式“{_short(expr)}”过长（最多 {MAX_FORMULA_CHARS} 个字符）")
    problem = validate.text_problem(expr, MAX_FORMULA_CHARS)
    if problem:
        raise FormulaError(f"公式{problem}")
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        raise FormulaError(f"公式“{_short(expr)}”有语法错误") from e
    depth = {id(tree): 0}
    for node in ast.walk(tree):  # breadth first: parents before children
        d = depth[id(node)]
        if d > MAX_FORMULA_DEPTH:
            raise FormulaError(f"公式“{_short(expr)}”嵌套过深（最多 {MAX_FORMULA_DEPTH} 层）")
        for child in ast.iter_child_nodes(node):
            depth[id(child)] = d + 1
        ok = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp,
                               ast.Name, ast.Constant, ast.Call, ast.Load, ast.USub, ast.UAdd,
                               ast.Not, ast.And, ast.Or, *(_BINOPS), *(_CMPS)))
        if not ok:
            raise FormulaError(f"公式“{_short(expr)}”含有不允许的写法（{type(node).__name__}）")
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                raise FormulaError(f"公式“{_short(expr)}”中的 {node.value} 不是数字，只能包含数字和名称")
            if not isinstance(node.value, (int, float)):
                raise FormulaError(f"公式“{_short(expr)}”只能包含数字和名称")
            problem = validate.number_problem(_constant(node))
            if problem:
                raise FormulaError(f"公式“{_short(expr)}”中的数字{problem}")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCS or node.keywords:
                raise FormulaError(f"公式“{_short(expr)}”只能调用 min、max、abs")
            low, high = _ARITY[node.func.id]
            n = len(node.args)
            if n < low or (high is not None and n > high):
                want = f"{low} 个" if low == high else f"至少 {low} 个"
                raise FormulaError(f"公式“{_short(expr)}”中 {node.func.id}() 应有{want}参数，实际有 {n} 个")
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise FormulaError(f"公式“{_short(expr)}”含有不允许的写法（Starred）")
    return tree


def _constant(node: ast.Constant) -> Decimal:
    return Decimal(repr(node.value)) if isinstance(node.value, float) else Decimal(node.value)


def _kind(node: ast.AST, expr: str) -> str:
    """NUMBER or CONDITION; FormulaError when numbers and conditions are mixed."""
    def need(child: ast.AST, want: str, what: str) -> None:
        if _kind(child, expr) != want:
            raise FormulaError(f"公式“{_short(expr)}”中{what}")

    if isinstance(node, (ast.Constant, ast.Name)):
        return NUMBER
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            need(node.operand, CONDITION, "not 后面应为条件（如 value > 0）")
            return CONDITION
        need(node.operand, NUMBER, "正负号只能用于数")
        return NUMBER
    if isinstance(node, ast.BinOp):
        need(node.left, NUMBER, "加减乘除只能用于数，不能用于条件")
        need(node.right, NUMBER, "加减乘除只能用于数，不能用于条件")
        if isinstance(node.op, ast.Div) and not any(isinstance(n, ast.Name) for n in ast.walk(node.right)):
            try:
                zero = _eval(node.right, {}) == 0
            except ArithmeticError:
                zero = True
            if zero:
                raise FormulaError(f"公式“{_short(expr)}”除以 0")
        return NUMBER
    if isinstance(node, ast.Compare):
        for child in (node.left, *node.comparators):
            need(child, NUMBER, "比较的两边应为数")
        return CONDITION
    if isinstance(node, ast.BoolOp):
        for child in node.values:
            need(child, CONDITION, "and、or 的两边应为条件（如 value > 0）")
        return CONDITION
    if isinstance(node, ast.Call):
        for child in node.args:
            need(child, NUMBER, f"{node.func.id}() 的参数应为数")
        return NUMBER
    raise FormulaError(f"公式“{_short(expr)}”含有不允许的写法（{type(node).__name__}）")


def check(expr: str, want: str = NUMBER, allowed: set[str] | None = None) -> set[str]:
    """Everything that can be checked without figures (see the module text); returns the names
    used. ``want``: NUMBER for a value or score, CONDITION for a step's ``if``. ``allowed``: the
    names that may be used (None: any). Raises FormulaError with a Chinese message."""
    tree = parse(expr)
    kind = _kind(tree.body, expr)
    if kind != want:
        raise FormulaError(f"公式“{_short(expr)}”应为{'一个数' if want == NUMBER else '一个条件（如 value <= 10）'}，"
                           f"实际是{'一个条件' if kind == CONDITION else '一个数'}")
    used = _names(tree)
    if allowed is not None and not used <= allowed:
        unknown = "、".join(sorted(used - allowed)[:5])
        raise FormulaError(f"公式“{_short(expr)}”用到未知名称：{unknown}")
    return used


def _names(tree: ast.AST) -> set[str]:
    funcs = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - funcs


def names(expr: str) -> set[str]:
    return _names(parse(expr))


@functools.lru_cache(maxsize=512)
def _parsed(expr: str) -> ast.Expression:
    """``parse`` once per formula text (a template's few formulas are evaluated for every row of
    every report; the tree is only read). A refused formula raises each time (not cached)."""
    return parse(expr)


def evaluate(expr: str, env: dict[str, Decimal]) -> Decimal | bool:
    """Evaluate ``expr`` with Decimal values from ``env``. Raises FormulaError for a formula
    that ``check`` would refuse, MissingValue / ZeroDivide / CannotEvaluate for this report."""
    tree = _parsed(expr) if isinstance(expr, str) else parse(expr)
    try:
        return _eval(tree.body, env)
    except (DivisionByZero, ZeroDivisionError) as e:
        raise ZeroDivide(expr) from e
    except InvalidOperation as e:  # 0/0
        raise ZeroDivide(expr) from e
    except CannotEvaluate:
        raise
    except ArithmeticError as e:  # overflow of a result: figures far beyond any budget
        raise CannotEvaluate(f"公式“{_short(expr)}”的结果超出范围") from e
    except (TypeError, RecursionError) as e:  # only a formula that skipped ``check``
        raise FormulaError(f"公式“{_short(expr)}”无法计算") from e


def _eval(node: ast.AST, env: dict[str, Decimal]):
    if isinstance(node, ast.Constant):
        return _constant(node)
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        if value is None:
            raise MissingValue(node.id)
        return value
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        if isinstance(node.op, ast.Not):
            return not v
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        return _BINOPS[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        for op, comp in zip(node.ops, node.comparators):
            right = _eval(comp, env)
            if not _CMPS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, env) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Call):
        return _FUNCS[node.func.id](*(_eval(a, env) for a in node.args))
    raise FormulaError(f"不支持的公式写法：{type(node).__name__}")
