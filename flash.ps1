#Requires -Version 7.0
<#
.SYNOPSIS
    Puts NanoBroker on an ESP32: .NET nanoFramework firmware, Wi-Fi credentials, the broker app.

.DESCRIPTION
    Runs nanoff (the nanoFramework firmware flasher, a dotnet tool; installed when missing):
      1. nanoff --update --target <Target> --serialport <port>        firmware (skip with -SkipFirmware)
      2. nanoff --networkdeployment <json> --serialport <port>         Wi-Fi credentials (with -WifiSsid)
      3. nanoff --filedeployment <json> --serialport <port>            files on I:\ (with -SettingsFile, -AllowAnonymous,
                                                                       -PasswordFile, -AclFile, -TlsCertificate, -TlsKey)
      4. nanoff --nanodevice --deploy --serialport <port> --image <bin> the app (skip with -SkipApp)
    -WhatIf prints these commands and the files they would deploy without running anything (nor installing nanoff).

    The board refuses clients without a user name unless its settings say allow_anonymous=true: give
    -PasswordFile (users made with 'dotnet run --project NanoBroker.Host -- passwd -b FILE USER PASSWORD') or
    -AllowAnonymous, or nobody can connect.

.PARAMETER SerialPort
    The board's serial port: COM3 on Windows, /dev/ttyUSB0 or /dev/ttyACM0 on Linux, /dev/cu.usbserial-* on macOS.
.PARAMETER Target
    Firmware target: ESP32_REV0 (ESP32 without PSRAM), ESP32_PSRAM_REV0 (with PSRAM), ESP32_REV3 /
    ESP32_PSRAM_REV3 (chip revision 3), ESP32_S3_QUAD / ESP32_S3_OCTAL, ESP32_C3. Empty: nanoff detects
    the chip (--platform esp32). See hardware/README.md.
.PARAMETER WifiSsid
    Wi-Fi network to store on the board (nanoff --networkdeployment).
.PARAMETER WifiPassword
    Its password.
.PARAMETER SettingsFile
    A nanobroker.ini to copy to I:\nanobroker.ini (status LED pin, port, max_clients; see hardware/README.md).
.PARAMETER AllowAnonymous
    Let clients without a user name connect: deploys I:\nanobroker.ini with allow_anonymous=true (the
    -SettingsFile with that line set, or a file of that line alone, which replaces the board's settings file).
.PARAMETER PasswordFile
    A password file (user:$pbkdf2-sha256$... lines, made with the host's passwd command) to copy to I:\passwords.txt.
.PARAMETER AclFile
    A topic rule file (mosquitto acl_file syntax; see the root README, "Security") to copy to I:\acl.txt.
.PARAMETER TlsCertificate
    The server certificate (PEM or DER; a chain in PEM) to copy to I:\server.crt: with -TlsKey the board also
    serves MQTT over TLS on port 8883 (tls_port). See hardware/README.md, "TLS".
.PARAMETER TlsKey
    Its private key (PEM or DER) to copy to I:\server.key.
.PARAMETER SkipFirmware
    Keep the firmware on the board; only deploy settings and the app.
.PARAMETER SkipApp
    Do not deploy the app.
.PARAMETER Image
    The deployment image built from hardware/esp32/NanoBroker.Esp32.nfproj.

.EXAMPLE
    ./flash.ps1 -SerialPort COM3 -Target ESP32_PSRAM_REV0 -WifiSsid MyNetwork -WifiPassword secret
.EXAMPLE
    ./flash.ps1 -SerialPort /dev/ttyUSB0 -Target ESP32_REV0 -WifiSsid x -WifiPassword y -WhatIf
.EXAMPLE
    ./flash.ps1 -SerialPort COM3 -SkipFirmware -SkipApp -PasswordFile passwords.txt -AclFile acl.txt
.EXAMPLE
    ./flash.ps1 -SerialPort COM3 -SkipFirmware -SkipApp -TlsCertificate server.crt -TlsKey server.key
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $SerialPort,
    [string] $Target,
    [string] $WifiSsid,
    [string] $WifiPassword = '',
    [string] $SettingsFile,
    [switch] $AllowAnonymous,
    [string] $PasswordFile,
    [string] $AclFile,
    [string] $TlsCertificate,
    [string] $TlsKey,
    [switch] $SkipFirmware,
    [switch] $SkipApp,
    [string] $Image = (Join-Path $PSScriptRoot 'hardware' 'esp32' 'bin' 'Release' 'NanoBroker.Esp32.bin')
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$dryRun = [bool]$WhatIfPreference

function Fail([string] $message) {
    [Console]::Error.WriteLine("flash.ps1: error: $message")
    exit 1
}

function Show-Problem([string] $message) {
    # In a dry run a missing board or image is reported, and the commands are shown all the same.
    if ($dryRun) { Write-Warning $message } else { Fail $message }
}

function Get-FullPath([string] $path) {
    # Relative to the current location; the file need not exist (a dry run shows the commands all the same).
    try { return $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($path) } catch { return $path }
}

function Test-SerialPort([string] $port) {
    if ($IsWindows) {
        return [System.IO.Ports.SerialPort]::GetPortNames() -contains $port
    }
    return Test-Path -LiteralPath $port
}

function Invoke-Nanoff([string[]] $arguments, [string] $what) {
    $line = 'nanoff ' + (($arguments | ForEach-Object { if ($_ -match '\s') { "`"$_`"" } else { $_ } }) -join ' ')
    if ($PSCmdlet.ShouldProcess($SerialPort, $line)) {
        Write-Host "== $what"
        Write-Host $line
        & nanoff @arguments
        if ($LASTEXITCODE -ne 0) { Fail "nanoff failed ($what), exit code $LASTEXITCODE" }
    }
}

if (-not $SerialPort) {
    Fail 'give the board''s serial port: -SerialPort COM3 (Windows) or -SerialPort /dev/ttyUSB0 (Linux); nanoff --listports lists them'
}
if (-not (Test-SerialPort $SerialPort)) {
    Show-Problem "serial port $SerialPort not found: is the board plugged in (and its USB-serial driver installed)? nanoff --listports lists the ports"
}
if (-not $SkipApp -and -not (Test-Path -LiteralPath $Image)) {
    Show-Problem "deployment image $Image not found: build hardware/esp32/NanoBroker.Esp32.nfproj (Release) first, or pass -Image"
}
if ($SettingsFile -and -not (Test-Path -LiteralPath $SettingsFile)) {
    Show-Problem "settings file $SettingsFile not found"
}
if ($PasswordFile) {
    if (-not (Test-Path -LiteralPath $PasswordFile)) {
        Show-Problem "password file $PasswordFile not found; create it with: dotnet run --project NanoBroker.Host -- passwd -b $PasswordFile USER PASSWORD"
    } else {
        # The board stops on a bad line (and restarts every 10 s until it is fixed): catch that here.
        $lineNumber = 0
        foreach ($line in Get-Content -LiteralPath $PasswordFile) {
            $lineNumber++
            $text = $line.Trim()
            if ($text.Length -eq 0 -or $text.StartsWith('#')) { continue }
            if ($text -notmatch '^[^:]+:\$pbkdf2-sha256\$[0-9]+\$[0-9a-fA-F]+\$[0-9a-fA-F]{64}$') {
                Show-Problem "password file $PasswordFile, line ${lineNumber}: not user:`$pbkdf2-sha256`$... (make entries with: dotnet run --project NanoBroker.Host -- passwd -b $PasswordFile USER PASSWORD)"
                break
            }
        }
    }
}
if ($AclFile -and -not (Test-Path -LiteralPath $AclFile)) {
    Show-Problem "topic rule file $AclFile not found"
}
if ([bool]$TlsCertificate -ne [bool]$TlsKey) {
    Fail 'TLS needs both files: -TlsCertificate server.crt -TlsKey server.key (the board stops when it has only one)'
}
foreach ($tlsFile in @($TlsCertificate, $TlsKey)) {
    if ($tlsFile -and -not (Test-Path -LiteralPath $tlsFile)) {
        Show-Problem "TLS file $tlsFile not found"
    } elseif ($tlsFile -and (Get-Item -LiteralPath $tlsFile).Length -gt 8192) {
        # The board reads at most 8192 bytes of each (hardware/esp32/Program.cs, MaxTlsFileBytes) and stops otherwise.
        Show-Problem "TLS file $tlsFile is larger than the 8192 bytes the board reads"
    }
}
if (-not $AllowAnonymous -and -not $PasswordFile) {
    $settingsAllow = $SettingsFile -and (Test-Path -LiteralPath $SettingsFile) -and
        [bool](Select-String -LiteralPath $SettingsFile -Pattern '^\s*allow_anonymous\s*=\s*true\s*(#.*)?$' -Quiet)
    if (-not $settingsAllow) {
        Write-Warning ("the board refuses clients without a user name: unless it already has I:\passwords.txt, nobody can connect. " +
            "Pass -PasswordFile passwords.txt (users made with: dotnet run --project NanoBroker.Host -- passwd -b passwords.txt USER PASSWORD) " +
            "or -AllowAnonymous (anyone on the network may connect)")
    }
}
if ($WifiPassword -and -not $WifiSsid) {
    Fail '-WifiPassword needs -WifiSsid'
}

if (-not (Get-Command nanoff -ErrorAction SilentlyContinue)) {
    if ($PSCmdlet.ShouldProcess('dotnet tools', 'dotnet tool install --global nanoff')) {
        & dotnet tool install --global nanoff
        if ($LASTEXITCODE -ne 0) { Fail 'could not install nanoff (dotnet tool install --global nanoff); is the .NET SDK installed?' }
        $tools = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.dotnet' 'tools'
        $env:PATH = $tools + [IO.Path]::PathSeparator + $env:PATH
    }
}

$temp = Join-Path ([IO.Path]::GetTempPath()) ('nanobroker-flash-' + [Guid]::NewGuid().ToString('N'))
try {
    if (-not $SkipFirmware) {
        if ($Target) {
            Invoke-Nanoff @('--update', '--target', $Target, '--serialport', $SerialPort) "firmware $Target"
        } else {
            Invoke-Nanoff @('--update', '--platform', 'esp32', '--serialport', $SerialPort) 'firmware (target detected by nanoff)'
        }
    }

    if ($WifiSsid) {
        $netJson = Join-Path $temp 'net.json'
        if (-not $dryRun) {
            New-Item -ItemType Directory -Path $temp | Out-Null
            @{ WirelessClient = @{ Ssid = $WifiSsid; Password = $WifiPassword } } | ConvertTo-Json | Set-Content -LiteralPath $netJson -Encoding utf8
        }
        Invoke-Nanoff @('--networkdeployment', $netJson, '--serialport', $SerialPort) "Wi-Fi credentials for $WifiSsid"
    }

    # Files for I:\, deployed together by one nanoff --filedeployment (nanoFirmwareFlasher README, "Deploy file
    # to device storage": a JSON with SerialPort and Files of DestinationFilePath and SourceFilePath).
    $files = @()
    $settingsText = $null
    if ($AllowAnonymous) {
        # The settings file with allow_anonymous=true in place of any allow_anonymous line it has.
        $lines = @()
        if ($SettingsFile -and (Test-Path -LiteralPath $SettingsFile)) {
            $lines = @(Get-Content -LiteralPath $SettingsFile | Where-Object { $_ -notmatch '^\s*allow_anonymous\s*=' })
        }
        $settingsText = (@($lines) + 'allow_anonymous=true') -join "`n"
        $settingsSource = Join-Path $temp 'nanobroker.ini'
        $files += [ordered]@{ DestinationFilePath = 'I:\nanobroker.ini'; SourceFilePath = $settingsSource }
    } elseif ($SettingsFile) {
        $files += [ordered]@{ DestinationFilePath = 'I:\nanobroker.ini'; SourceFilePath = (Get-FullPath $SettingsFile) }
    }
    if ($PasswordFile) {
        $files += [ordered]@{ DestinationFilePath = 'I:\passwords.txt'; SourceFilePath = (Get-FullPath $PasswordFile) }
    }
    if ($AclFile) {
        $files += [ordered]@{ DestinationFilePath = 'I:\acl.txt'; SourceFilePath = (Get-FullPath $AclFile) }
    }
    if ($TlsCertificate) {
        $files += [ordered]@{ DestinationFilePath = 'I:\server.crt'; SourceFilePath = (Get-FullPath $TlsCertificate) }
        $files += [ordered]@{ DestinationFilePath = 'I:\server.key'; SourceFilePath = (Get-FullPath $TlsKey) }
    }
    if ($files.Count -gt 0) {
        $filesJson = Join-Path $temp 'files.json'
        $json = [ordered]@{ SerialPort = $SerialPort; Files = $files } | ConvertTo-Json -Depth 4
        if ($dryRun) {
            Write-Host "files.json for nanoff --filedeployment (not written: -WhatIf):"
            Write-Host $json
            if ($null -ne $settingsText) {
                Write-Host "I:\nanobroker.ini would hold (Wi-Fi password hidden):"
                Write-Host ($settingsText -replace '(?m)^(\s*password\s*=).*$', '$1<hidden>')
            }
        } else {
            if (-not (Test-Path $temp)) { New-Item -ItemType Directory -Path $temp | Out-Null }
            if ($null -ne $settingsText) { Set-Content -LiteralPath $settingsSource -Value $settingsText -Encoding utf8NoBOM }
            Set-Content -LiteralPath $filesJson -Value $json -Encoding utf8NoBOM
        }
        $what = 'files ' + (($files | ForEach-Object { $_.DestinationFilePath }) -join ', ')
        Invoke-Nanoff @('--filedeployment', $filesJson, '--serialport', $SerialPort) $what
    }

    if (-not $SkipApp) {
        Invoke-Nanoff @('--nanodevice', '--deploy', '--serialport', $SerialPort, '--image', $Image) 'NanoBroker app'
    }
} finally {
    # net.json holds the Wi-Fi password.
    if (Test-Path -LiteralPath $temp) { Remove-Item -LiteralPath $temp -Recurse -Force }
}

if (-not $dryRun) {
    if ($SkipApp -and $files.Count -gt 0) {
        # nanoff --filedeployment does not restart the board, and the app reads I:\ only at start.
        Write-Host "done: reset the board (EN button) so that the app reads the new files on I:\;"
    } else {
        Write-Host "done: the board restarts, joins $(if ($WifiSsid) { $WifiSsid } else { 'its Wi-Fi' }) and prints its address on the serial console;"
    }
    Write-Host "      then: mosquitto_sub -h <board-ip> -t '#' -v$(if ($PasswordFile) { ' -u USER -P PASSWORD' })"
}
