#!powershell
# courtops: 等保 evidence collector for Windows 10 / Server 2016+ (PowerShell 5.1).
# Data only, read-only: it exports the local security policy to a temp file, reads it back,
# deletes the temp file, and otherwise only queries. All judgement is on the controller
# (courtops/evidence/windows.py). NOT run in this repository's CI: no Windows host can run
# here; its output shape is tested through recorded outputs (tests/data/constructed/windows).

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{ options = @{}; supports_check_mode = $true }
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$ErrorActionPreference = 'Continue'

function Get-Epoch($date) {
    if ($null -eq $date) { return $null }
    return [int64](([datetime]$date).ToUniversalTime() - [datetime]'1970-01-01').TotalSeconds
}

# Registry values the catalogue reads; keep in sync with REGISTRY_VALUES in
# courtops/evidence/windows.py (tests/unit/test_powershell_grammar.py checks it from the parse tree).
$registryValues = @(
    'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\AutoAdminLogon',
    'HKLM\SYSTEM\CurrentControlSet\Control\Lsa\LimitBlankPasswordUse',
    'HKLM\SYSTEM\CurrentControlSet\Control\Lsa\RestrictAnonymous',
    'HKLM\SYSTEM\CurrentControlSet\Control\Lsa\RestrictAnonymousSAM',
    'HKLM\SYSTEM\CurrentControlSet\Control\Lsa\EveryoneIncludesAnonymous',
    'HKLM\SYSTEM\CurrentControlSet\Control\Lsa\NoLMHash',
    'HKLM\SYSTEM\CurrentControlSet\Control\Lsa\SCENoApplyLegacyAuditPolicy',
    'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\InactivityTimeoutSecs',
    'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\DontDisplayLastUserName',
    'HKCU\Software\Policies\Microsoft\Windows\Control Panel\Desktop\ScreenSaveActive',
    'HKCU\Software\Policies\Microsoft\Windows\Control Panel\Desktop\ScreenSaverIsSecure',
    'HKCU\Software\Policies\Microsoft\Windows\Control Panel\Desktop\ScreenSaveTimeOut',
    'HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\fDenyTSConnections',
    'HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services\SecurityLayer',
    'HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services\UserAuthentication',
    'HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\SecurityLayer',
    'HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp\UserAuthentication',
    'HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\AutoShareWks',
    'HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\AutoShareServer',
    'HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters\RequireSecuritySignature',
    'HKLM\SOFTWARE\Policies\Microsoft\Windows\EventLog\Security\MaxSize',
    'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Security\MaxSize',
    'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\RestrictGuestAccess',
    'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Security\RestrictGuestAccess',
    'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\System\RestrictGuestAccess',
    'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management\ClearPageFileAtShutdown'
)
$registry = @{}
foreach ($full in $registryValues) {
    $key = 'Registry::' + (Split-Path $full -Parent).Replace('HKLM\', 'HKEY_LOCAL_MACHINE\').Replace('HKCU\', 'HKEY_CURRENT_USER\')
    $name = Split-Path $full -Leaf
    $item = Get-ItemProperty -LiteralPath $key -Name $name -ErrorAction SilentlyContinue
    $registry[$full] = if ($null -ne $item) { $item.$name } else { $null }
}

# secedit export (UTF-16LE INF) -> text; the temp file is removed at once.
$inf = Join-Path $env:TEMP ("courtops-" + [guid]::NewGuid().ToString() + ".inf")
$null = & secedit.exe /export /cfg $inf /areas SECURITYPOLICY USER_RIGHTS /quiet
$secedit = if (Test-Path $inf) { Get-Content -LiteralPath $inf -Encoding Unicode -Raw } else { $null }
Remove-Item -LiteralPath $inf -Force -ErrorAction SilentlyContinue

# auditpol /r is CSV; names are localized on zh-CN, the controller matches by GUID.
$auditpol = (& auditpol.exe /get /category:* /r) -join "`r`n"

$users = @(Get-LocalUser | ForEach-Object {
    @{ sid = $_.SID.Value; name = $_.Name; enabled = $_.Enabled; password_required = $_.PasswordRequired
       password_expires = ($null -ne $_.PasswordExpires); last_logon = (Get-Epoch $_.LastLogon) }
})
$services = @{}
Get-Service | ForEach-Object { $services[$_.Name] = @{ status = [string]$_.Status; start = [string]$_.StartType } }
$shares = @(Get-SmbShare -ErrorAction SilentlyContinue | ForEach-Object {
    $full = @(Get-SmbShareAccess -Name $_.Name -ErrorAction SilentlyContinue |
        Where-Object { $_.AccountName -match '^(Everyone|所有人)$' -and $_.AccessRight -eq 'Full' -and $_.AccessControlType -eq 'Allow' })
    @{ name = $_.Name; path = $_.Path; everyone_full = ($full.Count -gt 0) }
})
$profiles = @(Get-NetFirewallProfile | ForEach-Object { @{ name = [string]$_.Name; enabled = [bool]$_.Enabled } })
$rules = @(Get-NetFirewallRule -Direction Inbound -Enabled True -ErrorAction SilentlyContinue |
    Where-Object { $_.Name -like 'RemoteDesktop-*' -or $_.Name -like 'WINRM-HTTP*' } | ForEach-Object {
        $addr = ($_ | Get-NetFirewallAddressFilter).RemoteAddress -join ','
        @{ name = $_.Name; enabled = $true; remote_address = $addr }
    })
$hotfixes = @(Get-HotFix -ErrorAction SilentlyContinue | Where-Object { $_.InstalledOn } |
    ForEach-Object { @{ id = $_.HotFixID; installed_on = (Get-Epoch $_.InstalledOn) } })
$av = @()
$mp = Get-MpComputerStatus -ErrorAction SilentlyContinue
if ($mp) { $av += @{ name = 'Windows Defender'; realtime = [bool]$mp.RealTimeProtectionEnabled; signature_updated = (Get-Epoch $mp.AntivirusSignatureLastUpdated) } }
$winrm = @{ allow_unencrypted = $null; basic = $null }
$svc = Get-Item WSMan:\localhost\Service\AllowUnencrypted -ErrorAction SilentlyContinue
if ($svc) { $winrm.allow_unencrypted = ($svc.Value -eq 'true') }
$basic = Get-Item WSMan:\localhost\Service\Auth\Basic -ErrorAction SilentlyContinue
if ($basic) { $winrm.basic = ($basic.Value -eq 'true') }
$smb = Get-SmbServerConfiguration -ErrorAction SilentlyContinue

$module.Result.changed = $false
$module.Result.evidence = @{
    collector = 'courtops_win_collect'; schema = 1; collected_at = (Get-Epoch (Get-Date))
    secedit = $secedit; auditpol = $auditpol; registry = $registry; users = $users; services = $services
    shares = $shares; firewall = @{ profiles = $profiles; rules = $rules }; hotfixes = $hotfixes; av = $av
    winrm = $winrm; smb1 = if ($smb) { [bool]$smb.EnableSMB1Protocol } else { $null }
}
$module.ExitJson()
