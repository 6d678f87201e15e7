; Inno Setup 6 script: a per-user installer of the one-folder bundle dist\jixiao\ for Windows 10/11.
; Build on Windows with installer\build.ps1 (it passes /DAppVersion=… from pyproject.toml), or:
;   iscc /DAppVersion=0.1.0 installer\jixiao.iss        -> dist\jixiao-0.1.0-setup.exe
; No administrator rights: installs to %LOCALAPPDATA%\Programs\jixiao, registers the .jxpkg type
; under HKEY_CURRENT_USER, adds a Start-menu entry and a desktop shortcut. Uninstalling removes
; only what was installed: the clerk's data folder %LOCALAPPDATA%\jixiao (drafts database,
; backups, logs) is a different folder and is never touched. See installer/README.md.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "绩效自评助手"
#define AppExe "jixiao.exe"

[Setup]
AppId={{5E7B6C1A-3F2D-4B8E-9A61-2C4D8F0B7E35}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
; per user, never asks for administrator rights
PrivilegesRequired=lowest
; {autopf} is %LOCALAPPDATA%\Programs for a per-user install: not the data folder %LOCALAPPDATA%\jixiao
DefaultDirName={autopf}\jixiao
DisableDirPage=yes
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=jixiao-{#AppVersion}-setup
SetupIconFile=..\resources\icons\jixiao.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
; close a running copy before files are replaced (upgrade) or removed (uninstall)
CloseApplications=yes
; Signing (installer\README.md): define a sign tool named "signtool" in the IDE or pass
; /Ssigntool="signtool.exe sign /fd sha256 /tr http://TIMESTAMP-URL /td sha256 /f C:\path\cert.pfx /p PASSWORD $f"
; to iscc, then uncomment the next line: the setup and the uninstaller get signed as they are made.
;SignTool=signtool

[Languages]
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面上创建快捷方式"; GroupDescription: "附加快捷方式："

[Files]
Source: "..\dist\jixiao\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "填写、评分、审核并导出预算绩效自评报告"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .jxpkg (the report exchange package) opens with the app; HKA = HKEY_CURRENT_USER for a per-user install.
; The command passes no file yet: add "%1" once the app accepts a package on its command line.
Root: HKA; Subkey: "Software\Classes\.jxpkg"; ValueType: string; ValueName: ""; ValueData: "Jixiao.Package"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.jxpkg\OpenWithProgids"; ValueType: string; ValueName: "Jixiao.Package"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Jixiao.Package"; ValueType: string; ValueName: ""; ValueData: "绩效自评报告交换包"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Jixiao.Package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\Jixiao.Package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "立即运行{#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only the program folder (Python may leave files there); never {localappdata}\jixiao, the data folder
Type: filesandordirs; Name: "{app}"
