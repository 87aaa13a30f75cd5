"""Write the ledger files that the import tests read: run from the repository root with

    .venv/bin/python villagedesk/registry/tests/files/make_files.py

It needs LibreOffice (`soffice`, for ledger.xls and ledger.ods, converted from ledger.xlsx) and
msoffcrypto-tool on the PATH (`pip install msoffcrypto-tool` in a separate environment, for
protected.xlsx: ledger.xlsx encrypted with the password 1234).
"""

import datetime
import subprocess
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
HEADERS = ["户编号", "姓名", "身份证号码", "性别", "出生日期", "与户主关系", "民族"]
HEADERS += ["文化程度", "在校生状况", "务工情况", "务工时间", "手机号码", "住址"]
ROWS = [
    ["001", "张三", "53012819800517001X", "男", datetime.date(1980, 5, 17), "户主", "汉族"]
    + ["初中", "", "省外务工", 6, "13812345678", "大河村1号"],
    ["001", "李梅", "530128198203040021", "女", "1982-03-04", "配偶", "汉族"]
    + ["初中", "", "", "", "", ""],
    ["001", "张小明", "530128201209010039", "男", "2012-09-01", "之子", "汉族"]
    + ["", "七年级", "", "", "", ""],
    ["002", "王五", "530128197502100050", "男", datetime.date(1975, 2, 10), "户主", "彝族"]
    + ["小学", "", "", "", "13912345678", "大河村2号"],
    ["002", "赵六", "530128197708230061", "女", "1977-08-23", "配偶", "彝族"]
    + ["小学", "", "乡镇外县内务工", 3, "", ""],
]


def write_ledger(path: Path) -> None:
    """A title row, the header, and members whose dates and months are typed as numbers."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("台账")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, "大河村农户台账")
    sheet.write_row(1, 0, HEADERS)
    for r, row in enumerate(ROWS, start=2):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    workbook.close()


if __name__ == "__main__":
    write_ledger(HERE / "ledger.xlsx")
    for suffix in ("xls", "ods"):
        subprocess.run(  # noqa: S603
            ["soffice", "--headless", "--convert-to", suffix, "--outdir", HERE, "ledger.xlsx"],  # noqa: S607
            cwd=HERE,
            check=True,
        )
    subprocess.run(  # noqa: S603
        ["msoffcrypto-tool", "-e", "-p", "1234", "ledger.xlsx", "protected.xlsx"],  # noqa: S607
        cwd=HERE,
        check=True,
    )
