"""帮助 menu: 使用说明 (a few paragraphs on how the app is used) and 关于 (the version, the data
folder and a button that opens it in the file manager)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton,
                               QTextBrowser, QVBoxLayout)

APP_NAME = "绩效自评助手"

USAGE_PARAGRAPHS = (
    ("开始一份报告",
     "在草稿列表中点“新建…”，选择模板（省份和报告类型）、填写单位名称和年度；去年用本程序写过的，"
     "选中去年的报告点“以上年报告为基础”，指标和目标值会沿用，实际完成值和得分会清空，"
     "沿用的数字显示为浅蓝色，请逐一核对。已有报告文件的，用“文件 › 导入报告…”。"),
    ("按步骤填写",
     "左侧是填写步骤，按顺序填写部门概况、预算收支、绩效目标与指标和报告正文即可，也可以随时点任一步骤跳转。"
     "每输入一个字都会自动保存，不需要另外点保存；离开页面、导出时和每隔五分钟会自动留一个历史版本，"
     "改错了可以在“历史版本…”中退回。"),
    ("绩效指标表",
     "指标表的用法和 Excel 相似：回车或 F2 编辑，Tab 移到下一格，Delete 清空，可以直接粘贴从 Excel 复制的行。"
     "选中一格后，表格下方的“全文”框显示这一格的全部文字，较长的文字（如偏差原因）可在那里修改。"
     "“规则得分”是程序按评分规则算出的分数，与填报得分不同时以浅红色标出，请核对或填写偏差原因。"),
    ("审核与导出",
     "“审核与导出”页面列出财政局审核时会发现的错误和警告，点一条即可跳到对应的格子。"
     "错误改完之后即可导出 Word 和 PDF 文件，打印、签字、盖章后上报；还有错误时导出的文件带“草稿”字样。"),
    ("汇总（财政局/主管部门）",
     "收齐各单位用U盘带来的数据包后，在草稿列表点“汇总…”（或“文件 › 汇总各单位报告…”），"
     "用“添加数据包文件夹…”“添加数据包…”或“添加本机草稿…”加入报告。每份报告加入时都按本程序的审核规则检查，"
     "列出规则得分、填报得分、等级、错误和待说明的条数，以及校验码是否与单位打印的一致；读不出的数据包单独列出原因。"
     "按年度、类型筛选，取消勾选不计入的单位；同一单位有多份时，双击“版本”一格选择计入的一份。"
     "“审核意见”页按单位、类别筛选，可复制或保存发回单位的审核意见；双击一条即可只读打开该报告并定位到出错处"
     "（只读打开的报告不会存入本机草稿）。最后用“导出汇总表（Word/Excel）”和“导出审核意见（Excel）”上报。"),
    ("字号与数据",
     "字太小时用“视图 › 大字体”（Ctrl+=）。所有草稿保存在本机的数据文件夹中，位置见“帮助 › 关于”；"
     "程序每天自动备份，卸载程序不会删除这些数据。"),
)


def usage_html() -> str:
    return "".join(f"<h3>{title}</h3><p>{text}</p>" for title, text in USAGE_PARAGRAPHS)


def open_folder(path: Path) -> bool:
    """Open ``path`` in the system's file manager; False when it could not be done."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class UsageDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("使用说明")
        self.text = QTextBrowser()
        self.text.setHtml(usage_html())
        self.text.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 520)


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, parent=None):
        super().__init__(parent)
        from core.version import version

        self.data_dir = Path(data_dir)
        self.setWindowTitle(f"关于{APP_NAME}")
        title = QLabel(f"<b>{APP_NAME}</b>")
        title.setStyleSheet("font-size: 16pt;")
        self.version_label = QLabel(f"版本 {version()}")
        intro = QLabel("帮助县级单位填写预算绩效自评报告：按省份模板评分、审核，导出 Word 和 PDF。"
                       "程序不联网，所有数据只保存在本机。")
        intro.setWordWrap(True)
        self.folder_label = QLabel(f"数据文件夹：{self.data_dir}")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.open_button = QPushButton("打开数据文件夹")
        self.open_button.clicked.connect(self.open_data_folder)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.open_button)
        note = QLabel("数据文件夹中有草稿数据库 jixiao.db、每日备份 backups、日志 logs。"
                      "程序出错时，请把 logs 中最新的日志文件发给技术支持。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (title, self.version_label, intro):
            layout.addWidget(w)
        layout.addLayout(folder_row)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 280)

    def open_data_folder(self) -> None:
        if not open_folder(self.data_dir):
            self.error.setText(f"无法打开文件夹，请在文件管理器中手动打开：{self.data_dir}")
            self.error.show()
