#!powershell
# courtops: configuration backup (配置备份) of a Windows host in one call (PowerShell 5.1).
# Data only, read-only on the configuration: secedit and auditpol write their exports to temp files,
# which are read back and deleted at once; everything else is a query. Masking, normalisation and the
# encrypted full copy happen on the controller (courtops/backup/windows_rules.py). NOT run in this
# repository's CI: no Windows host can run here; the parsing of its output is tested with recorded
# real outputs (tests/data/corpus/windows, tests/data/recorded/windows_backup).

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{ options = @{}; supports_check_mode = $true }
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$ErrorActionPreference = 'Continue'
$errors = @()

function Read-TempExport($path, $encoding) {
    if (-not (Test-Path -LiteralPath $path)) { return $null }
    $text = Get-Content -LiteralPath $path -Encoding $encoding -Raw
    Remove-Item -LiteralPath $path -Force -ErrorAction SilentlyContinue
    return $text
}

# Local security policy, every area (secedit writes UTF-16LE).
$inf = Join-Path $env:TEMP ('courtops-backup-' + [guid]::NewGuid().ToString() + '.inf')
$null = & secedit.exe /export /cfg $inf /quiet
$secedit = Read-TempExport $inf 'Unicode'
if ($null -eq $secedit) { $errors += 'secedit /export 未生成导出文件' }

# Advanced audit policy in the auditpol /backup CSV format (what auditpol /restore reads back).
$csv = Join-Path $env:TEMP ('courtops-backup-' + [guid]::NewGuid().ToString() + '.csv')
$null = & auditpol.exe /backup /file:$csv
$auditpol = Read-TempExport $csv 'Default'
if ($null -eq $auditpol) { $errors += 'auditpol /backup 未生成备份文件' }

# Installed roles and features: Get-WindowsFeature on Server, optional features on a client.
$features = @()
if (Get-Command Get-WindowsFeature -ErrorAction SilentlyContinue) {
    $features = @(Get-WindowsFeature | Where-Object { $_.Installed } |
        ForEach-Object { @{ name = [string]$_.Name; state = 'Installed'; source = 'WindowsFeature' } })
} else {
    $features = @(Get-WindowsOptionalFeature -Online -ErrorAction SilentlyContinue |
        Where-Object { [string]$_.State -eq 'Enabled' } |
        ForEach-Object { @{ name = [string]$_.FeatureName; state = 'Enabled'; source = 'OptionalFeature' } })
}
if ($features.Count -eq 0) { $errors += '未读取到已安装的角色和功能' }

# Installed software from the Uninstall keys (64-bit and 32-bit views), as Programs and Features lists it.
$uninstall = @(
    'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
    'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*'
)
$software = @(Get-ItemProperty -Path $uninstall -ErrorAction SilentlyContinue |
    Where-Object { $_.DisplayName -and -not $_.SystemComponent } | ForEach-Object {
        @{ name = [string]$_.DisplayName; version = [string]$_.DisplayVersion
           publisher = [string]$_.Publisher; install_date = [string]$_.InstallDate }
    })

# Scheduled tasks as their XML definitions (what Register-ScheduledTask -Xml takes back).
$tasks = @{}
Get-ScheduledTask -ErrorAction SilentlyContinue | ForEach-Object {
    $xml = Export-ScheduledTask -TaskName $_.TaskName -TaskPath $_.TaskPath -ErrorAction SilentlyContinue
    if ($xml) { $tasks[$_.TaskPath + $_.TaskName] = [string]$xml }
}
if ($tasks.Count -eq 0) { $errors += '未读取到计划任务' }

$os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction SilentlyContinue
$module.Result.changed = $false
$module.Result.backup = @{
    collector = 'courtops_backup_windows'; schema = 1
    os = if ($os) { @{ caption = [string]$os.Caption; version = [string]$os.Version } } else { $null }
    secedit = $secedit; auditpol = $auditpol; features = $features; software = $software
    tasks = $tasks; errors = $errors
}
$module.ExitJson()
