; WorkAid installer for Windows (Inno Setup 6), built from build.spec's output.
; It cannot be built on the Linux CI; tests/core/test_packaging.py keeps it in step with
; build.spec (file list, executables, icon, version). On a Windows build machine:
;
;   .venv\Scripts\pyinstaller --noconfirm build.spec            -> dist\WorkAid\
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" packaging\windows\workaid.iss
;                                                                -> dist\WorkAid-setup-<version>.exe
;
; Installing (README, "Deploying"):
;   WorkAid-setup-0.1.0.exe                    per user, no admin rights:
;                                              %LOCALAPPDATA%\Programs\WorkAid, Start-menu entry
;   WorkAid-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART      the same, no questions
;   WorkAid-setup-0.1.0.exe /VERYSILENT /ALLUSERS                         as admin: Program Files
;   WorkAid-setup-0.1.0.exe /VERYSILENT /SITECONFIG=\\server\it\workaid.toml
;        as admin only: also copies that file to %PROGRAMDATA%\WorkAid\workaid.toml, the site
;        configuration every user of the computer reads; without admin rights setup stops
;        (exit code 1) before installing anything, so a deployment never half-succeeds.
;
; Uninstalling removes only what setup installed ({app}). Each user's data
; (%LOCALAPPDATA%\WorkAid: cards, escalation log, preferences, logs\workaid.log) and the
; site file in %PROGRAMDATA%\WorkAid are never touched.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "WorkAid"
#define AppExe "WorkAid.exe"
#define CliExe "workaid-cli.exe"
#define DistDir "..\..\dist\WorkAid"

[Setup]
AppId={{6C1E9B52-7A0D-4E3B-9F4A-2D8B5C7E1A93}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=WorkAid
VersionInfoVersion={#AppVersion}
; Per user without admin rights: {autopf} is %LOCALAPPDATA%\Programs then, Program Files
; with /ALLUSERS (an admin deploying for every user).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
DefaultDirName={autopf}\WorkAid
DisableDirPage=auto
DefaultGroupName=WorkAid
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=WorkAid-setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\workaid.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
; Upgrading: the same AppId installs over the old version in place; data stays.
UsePreviousAppDir=yes

[Files]
; The whole bundle, both executables (WorkAid.exe, the window; workaid-cli.exe, its console
; twin for sync, config and doctor in a terminal) and the _internal folder with them.
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autoprograms}\{#AppName} doctor"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" doctor"; WorkingDir: "{app}"

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
function SiteConfigSource(): String;
begin
  Result := ExpandConstant('{param:SITECONFIG|}');
end;

function InitializeSetup(): Boolean;
var
  Source: String;
begin
  Result := True;
  Source := SiteConfigSource();
  if Source = '' then
    exit;
  if not IsAdmin() then
  begin
    SuppressibleMsgBox('/SITECONFIG writes ' + ExpandConstant('{commonappdata}') +
      '\WorkAid\workaid.toml for every user: run setup as an administrator, or leave /SITECONFIG out.',
      mbCriticalError, MB_OK, IDOK);
    Result := False;
  end
  else if not FileExists(Source) then
  begin
    SuppressibleMsgBox('/SITECONFIG names ' + Source + ', which does not exist.', mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Source, Folder: String;
begin
  if CurStep <> ssPostInstall then
    exit;
  Source := SiteConfigSource();
  if Source = '' then
    exit;
  Folder := ExpandConstant('{commonappdata}\WorkAid');
  if not ForceDirectories(Folder) or not FileCopy(Source, Folder + '\workaid.toml', False) then
    SuppressibleMsgBox('Could not copy ' + Source + ' to ' + Folder + '\workaid.toml.', mbError, MB_OK, IDOK)
  else
    Log('Site configuration copied to ' + Folder + '\workaid.toml');
end;
