"""Sample packages for screenshots and timing: ``make_sample_packages(folder, n)`` writes ``n``
``.jxpkg`` files made from the seed reports with varied unit names and years, as a county's
units would hand them in — a few units twice (a corrected package) and two broken files.
Written with the app's own package writer (``core.package.write_package``), from drafts in a
throw-away database."""
from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from core import edit
from core.package import write_package
from core.report_io import load_report
from core.storage import Storage

ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
TOWNS = ("城关镇", "东城街道", "西湖乡", "南山镇", "北岭乡", "河口镇", "青石乡", "白沙镇", "石门乡", "龙潭镇",
         "桃源乡", "新华街道")
OFFICES = ("财政局", "教育局", "卫生健康局", "农业农村局", "自然资源局", "住房和城乡建设局", "交通运输局", "水利局",
           "民政局", "人力资源和社会保障局", "市场监督管理局", "文化旅游广电局", "应急管理局", "司法局",
           "工商业联合会", "统计局", "审计局", "林业局", "医疗保障局", "退役军人事务局", "乡村振兴局", "档案馆",
           "图书馆", "疾病预防控制中心", "人民医院")
YEARS = (2022, 2022, 2022, 2022, 2021, 2023)
BROKEN = 2


def _seeds():
    out = []
    for path in sorted(SEEDS.glob("seed*.json")):
        report, _ = load_report(path)
        if report is not None:
            out.append(report)
    return out


def unit_name(i: int) -> str:
    town = TOWNS[i // len(OFFICES) % len(TOWNS)]
    return f"{town}{OFFICES[i % len(OFFICES)]}" if i >= len(OFFICES) else f"县{OFFICES[i]}"


def sample_report(base, i: int):
    name, year = unit_name(i), YEARS[i % len(YEARS)]
    kind = "项目支出" if base.kind == "project" else "部门整体支出"
    report = dataclasses.replace(base, unit=dataclasses.replace(base.unit, name=name), year=year,
                                 title=f"{name}{year}年度{kind}绩效自评报告")
    return report


def make_sample_packages(folder: Path, n: int = 300, twice: int = 3) -> list[Path]:
    """``n`` package files in ``folder``: ``n - BROKEN - twice`` units, ``twice`` of them sent
    again (a later package, a score corrected), and ``BROKEN`` files that are no package."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    seeds = _seeds()
    units = n - BROKEN - twice
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        storage = Storage.open(Path(tmp))
        try:
            for i in range(units):
                report = sample_report(seeds[i % len(seeds)], i)
                draft = storage.create(report)
                path = folder / f"{i + 1:03d}-{report.unit.name}.jxpkg"
                write_package(path, storage, [draft])
                written.append(path)
                if i < twice:  # the unit corrects its report and sends it again
                    storage.save(draft, edit.set_at(report, "title", report.title + "（更正）"))
                    path2 = folder / f"{i + 1:03d}-{report.unit.name}-更正.jxpkg"
                    write_package(path2, storage, [draft])
                    written.append(path2)
        finally:
            storage.close()
    for k in range(BROKEN):
        bad = folder / f"损坏-{k + 1}.jxpkg"
        bad.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # cut off on the stick
        written.append(bad)
    return written
