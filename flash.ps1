#Requires -Version 7.0
<#
.SYNOPSIS
    Puts NanoBroker on an ESP32: .NET nanoFramework firmware, Wi-Fi credentials, the broker app.

.DESCRIPTION
    Runs nanoff (the nanoFramework firmware flasher, a dotnet tool; installed when missing):
      1. nanoff --update --target <Target> --serialport <port>        firmware (skip with -SkipFirmware)
      2. nanoff --networkdeployment <json> --serialport <port>         Wi-Fi credentials (with -WifiSsid)
      3. nanoff --filedeployment <json> --serialport <port>            I:\nanobroker.ini (with -SettingsFile)
      4. nanoff --nanodevice --deploy --serialport <port> --image <bin> the app (skip with -SkipApp)
    -WhatIf prints these commands without running anything (nor installing nanoff).

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
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $SerialPort,
    [string] $Target,
    [string] $WifiSsid,
    [string] $WifiPassword = '',
    [string] $SettingsFile,
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

    if ($SettingsFile) {
        $filesJson = Join-Path $temp 'files.json'
        if (-not $dryRun) {
            if (-not (Test-Path $temp)) { New-Item -ItemType Directory -Path $temp | Out-Null }
            @{ SerialPort = $SerialPort; Files = @(@{ DestinationFilePath = 'I:\nanobroker.ini'; SourceFilePath = (Resolve-Path -LiteralPath $SettingsFile).Path }) } |
                ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $filesJson -Encoding utf8
        }
        Invoke-Nanoff @('--filedeployment', $filesJson, '--serialport', $SerialPort) 'settings I:\nanobroker.ini'
    }

    if (-not $SkipApp) {
        Invoke-Nanoff @('--nanodevice', '--deploy', '--serialport', $SerialPort, '--image', $Image) 'NanoBroker app'
    }
} finally {
    # net.json holds the Wi-Fi password.
    if (Test-Path -LiteralPath $temp) { Remove-Item -LiteralPath $temp -Recurse -Force }
}

if (-not $dryRun) {
    Write-Host "done: the board restarts, joins $(if ($WifiSsid) { $WifiSsid } else { 'its Wi-Fi' }) and prints its address on the serial console;"
    Write-Host "      then: mosquitto_sub -h <board-ip> -t '#' -v"
}
