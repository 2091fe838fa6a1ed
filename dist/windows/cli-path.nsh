; NSIS installer hooks (tauri.conf.json: bundle.windows.nsis.installerHooks).
; The command line durchblick.exe is installed beside the window (Tauri's externalBin);
; these hooks put that folder on the user's PATH and take it off again on uninstall.
; PowerShell edits PATH rather than NSIS's ReadRegStr/WriteRegExpandStr: NSIS strings are
; cut at 1024 characters, and writing a cut PATH back would destroy the user's PATH.
; [Environment]::SetEnvironmentVariable also tells running programs (WM_SETTINGCHANGE).
; Not run on this project's CI machine (Linux); see docs/platforms.md.

!macro NSIS_HOOK_POSTINSTALL
  nsExec::ExecToLog `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "$$d='$INSTDIR'; $$p=[Environment]::GetEnvironmentVariable('Path','User'); $$parts=@(); if ($$p) { $$parts=$$p.Split(';') | Where-Object { $$_ -ne '' } }; if ($$parts -notcontains $$d) { [Environment]::SetEnvironmentVariable('Path', (($$parts + $$d) -join ';'), 'User') }"`
  Pop $0
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  nsExec::ExecToLog `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "$$d='$INSTDIR'; $$p=[Environment]::GetEnvironmentVariable('Path','User'); if ($$p) { $$parts=$$p.Split(';') | Where-Object { $$_ -ne '' -and $$_ -ne $$d }; [Environment]::SetEnvironmentVariable('Path', ($$parts -join ';'), 'User') }"`
  Pop $0
!macroend
