"""A small safe evaluator for template formulas — never Python ``eval``.

A formula is an arithmetic expression over figure names, in Decimal:
``(sangong_total - sangong_total_last) / sangong_total_last * 100``.
Allowed: numbers, names, ``+ - * /``, unary minus, parentheses, comparisons
(``< <= > >= == !=``), ``and``/``or``/``not``, and the functions ``min``, ``max``, ``abs``.
The expression is parsed with ``ast`` and walked by an interpreter that knows only these
nodes; anything else (attributes, calls to other names, subscripts, lambdas …) is refused.
"""
from __future__ import annotations

import ast
from decimal import Decimal, DivisionByZero, InvalidOperation

_FUNCS = {"min": min, "max": max, "abs": abs}
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}
_CMPS = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
         ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b}


class FormulaError(ValueError):
    """A formula that cannot be parsed (a template bug)."""


class MissingValue(LookupError):
    """A name the formula needs has no value in the report; ``name`` says which."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class ZeroDivide(ArithmeticError):
    """The formula divides by zero (e.g. a last-year figure of 0)."""


def parse(expr: str) -> ast.Expression:
    """Parse and validate; raises FormulaError with a Chinese message."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as e:
        raise FormulaError(f"公式“{expr}”有语法错误") from e
    for node in ast.walk(tree):
        ok = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp,
                               ast.Name, ast.Constant, ast.Call, ast.Load, ast.USub, ast.UAdd,
                               ast.Not, ast.And, ast.Or, *(_BINOPS), *(_CMPS)))
        if not ok:
            raise FormulaError(f"公式“{expr}”含有不允许的写法（{type(node).__name__}）")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise FormulaError(f"公式“{expr}”只能包含数字和名称")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCS or node.keywords:
                raise FormulaError(f"公式“{expr}”只能调用 min、max、abs")
    return tree


def names(expr: str) -> set[str]:
    tree = parse(expr)
    funcs = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - funcs


def evaluate(expr: str, env: dict[str, Decimal]) -> Decimal | bool:
    """Evaluate ``expr`` with Decimal values from ``env``."""
    tree = parse(expr)
    try:
        return _eval(tree.body, env)
    except (DivisionByZero, ZeroDivisionError) as e:
        raise ZeroDivide(expr) from e
    except InvalidOperation as e:  # 0/0
        raise ZeroDivide(expr) from e


def _eval(node: ast.AST, env: dict[str, Decimal]):
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
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
