# Build 绩效自评助手 for Windows 10/11: the one-folder bundle dist\jixiao\, its smoke test, and the
# per-user installer dist\jixiao-VERSION-setup.exe (Inno Setup 6). See installer\README.md.
#
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1 [-SkipSmoke] [-NoInstaller] [-Iscc C:\path\ISCC.exe]
#
# Needs: 64-bit Python 3.11 (py -3.11), Inno Setup 6 for the installer. Build on the oldest
# Windows you support (Windows 10): the bundle runs on that version and newer.
param([switch]$SkipSmoke, [switch]$NoInstaller, [string]$Iscc = "")
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

$py = ".venv\Scripts\python.exe"
if (-not (Test-Path $py)) {
    py -3.11 -m venv .venv
    if ($LASTEXITCODE) { throw "无法创建 .venv：请先安装 64 位 Python 3.11" }
}
& $py -m pip install -q -e ".[build]"
if ($LASTEXITCODE) { throw "安装依赖失败（需要能访问软件包索引）" }
$version = (& $py -c "from core.version import version; print(version())").Trim()
Write-Host "绩效自评助手 $version：打包到 dist\jixiao"

# The exe's version resource (Properties > Details), read by installer\jixiao.spec
New-Item -ItemType Directory -Force build | Out-Null
$n = ($version -split '[^0-9]+' | Where-Object { $_ -ne '' } | Select-Object -First 3) + @('0','0','0','0') | Select-Object -First 4
$tuple = ($n -join ', ')
@"
VSVersionInfo(
  ffi=FixedFileInfo(filevers=($tuple), prodvers=($tuple)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', '绩效自评助手'),
      StringStruct('FileDescription', '绩效自评助手'),
      StringStruct('FileVersion', '$version'),
      StringStruct('ProductName', '绩效自评助手'),
      StringStruct('ProductVersion', '$version'),
      StringStruct('OriginalFilename', 'jixiao.exe')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"@ | Set-Content -Encoding UTF8 build\version_info.txt

# No fallback font on Windows: 宋体/仿宋/黑体/楷体 (simsun.ttc, simfang.ttf, simhei.ttf, simkai.ttf) are stock TrueType.
Remove-Item Env:\JIXIAO_FONT_DIR -ErrorAction SilentlyContinue
& $py -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller installer\jixiao.spec
if ($LASTEXITCODE) { throw "PyInstaller 打包失败" }

if (-not $SkipSmoke) {
    # jixiao.exe is a GUI program (no console): its output goes to the files given here
    $env:QT_QPA_PLATFORM = "offscreen"
    $p = Start-Process -FilePath dist\jixiao\jixiao.exe -ArgumentList "--smoke-test", "build\smoke" `
        -Wait -PassThru -NoNewWindow -RedirectStandardOutput build\smoke-out.txt -RedirectStandardError build\smoke-err.txt
    Remove-Item Env:\QT_QPA_PLATFORM
    Get-Content -Encoding UTF8 build\smoke-out.txt
    if ($p.ExitCode -ne 0) { Get-Content -Encoding UTF8 build\smoke-err.txt; throw "打包好的程序未通过冒烟测试" }
}

if (-not $NoInstaller) {
    if (-not $Iscc) {
        $cmd = Get-Command iscc -ErrorAction SilentlyContinue
        if ($cmd) { $Iscc = $cmd.Source } else { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
    }
    if (-not (Test-Path $Iscc)) { throw "找不到 Inno Setup 6 的 ISCC.exe：请安装 Inno Setup 6，或用 -Iscc 指定路径" }
    & $Iscc "/DAppVersion=$version" installer\jixiao.iss
    if ($LASTEXITCODE) { throw "Inno Setup 编译失败" }
    Write-Host "dist\jixiao-$version-setup.exe"
}
