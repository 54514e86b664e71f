<#
.SYNOPSIS
    Puts NanoBroker on an ESP32: .NET nanoFramework firmware, Wi-Fi credentials, the broker app.

.DESCRIPTION
    Runs nanoff (the nanoFramework firmware flasher, a dotnet tool; installed when missing):
      1. nanoff --update --target <Target> --fwversion <FirmwareVersion> --serialport <port>
                                                                       firmware, the pinned version (skip with -SkipFirmware)
      2. nanoff --nanodevice --devicedetails --serialport <port>      checks the board's native assemblies against
                                                                       hardware/firmware.json and stops on a mismatch
                                                                       (when firmware or app is flashed; -SkipNativeCheck)
      3. nanoff --networkdeployment <json> --serialport <port>         Wi-Fi credentials (with -WifiSsid)
      4. nanoff --filedeployment <json> --serialport <port>            files on I:\ (with -SettingsFile, -AllowAnonymous,
                                                                       -PasswordFile, -AclFile, -TlsCertificate, -TlsKey, -StatusPage)
      5. nanoff --nanodevice --deploy --serialport <port> --image <bin> the app (skip with -SkipApp)
    -WhatIf prints these commands and the files they would deploy without running anything (nor installing nanoff).

    The firmware is pinned: the app's packages (hardware/esp32/packages.config) call native code whose version and
    checksum must be those compiled into the firmware, or the board never starts the app. nanoff --update alone takes
    the newest firmware, which may have moved on. hardware/firmware.json lists what the packages need;
    hardware/README.md, "Firmware and packages", says where each value comes from.

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
.PARAMETER StatusPage
    Copy the status page (NanoBroker/Web/StatusPage.html) to I:\status.html, which the board serves on its web port
    (ws_port, 80 by default on the ESP32). See hardware/README.md, "MQTT over WebSockets and the status page".
.PARAMETER FirmwareVersion
    The firmware version nanoff flashes (--fwversion). Default: the version pinned in hardware/firmware.json,
    whose native assemblies match the app's packages. Give another only with packages that match it: the check
    of step 2 stops before the app is deployed when the board's native assemblies differ.
.PARAMETER SkipNativeCheck
    Do not read the board's native assemblies before deploying (step 2).
.PARAMETER SkipFirmware
    Keep the firmware on the board; only deploy settings and the app.
.PARAMETER SkipApp
    Do not deploy the app.
.PARAMETER Image
    The deployment image built from hardware/esp32/NanoBroker.Esp32.nfproj: the .pe files of the app
    (NanoBroker.Esp32), of the engine (NanoBroker, NanoBroker.Protocol, NanoBroker.Crypto, NanoBroker.Web,
    NanoBroker.Discovery, NanoBroker.Bridge, NanoBroker.MqttSn) and of the packages.

.EXAMPLE
    ./flash.ps1 -SerialPort COM3 -Target ESP32_PSRAM_REV0 -WifiSsid MyNetwork -WifiPassword secret
.EXAMPLE
    ./flash.ps1 -SerialPort /dev/ttyUSB0 -Target ESP32_REV0 -WifiSsid x -WifiPassword y -WhatIf
.EXAMPLE
    ./flash.ps1 -SerialPort COM3 -SkipFirmware -SkipApp -PasswordFile passwords.txt -AclFile acl.txt
.EXAMPLE
    ./flash.ps1 -SerialPort COM3 -SkipFirmware -SkipApp -TlsCertificate server.crt -TlsKey server.key
#>
# After the help block: a #Requires line before it hides the help from Get-Help.
#Requires -Version 7.0
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
    [switch] $StatusPage,
    [switch] $SkipFirmware,
    [switch] $SkipApp,
    # Pinned firmware: must equal firmware.version in hardware/firmware.json (.ci/check-firmware-pin.sh checks it).
    [string] $FirmwareVersion = '1.17.0.115',
    [switch] $SkipNativeCheck,
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

function Invoke-Nanoff([string[]] $arguments, [string] $what, [string] $hint = '') {
    $line = 'nanoff ' + (($arguments | ForEach-Object { if ($_ -match '\s') { "`"$_`"" } else { $_ } }) -join ' ')
    if ($PSCmdlet.ShouldProcess($SerialPort, $line)) {
        Write-Host "== $what"
        Write-Host $line
        & nanoff @arguments
        if ($LASTEXITCODE -ne 0) { Fail ("nanoff failed ($what), exit code $LASTEXITCODE" + $(if ($hint) { ": $hint" } else { '' })) }
    }
}

function Get-FirmwareTable {
    # What the app's packages need from the firmware (kept in step with hardware/esp32/packages.config and
    # $FirmwareVersion's default by .ci/check-firmware-pin.sh).
    return Get-Content -LiteralPath (Join-Path $PSScriptRoot 'hardware' 'firmware.json') -Raw | ConvertFrom-Json
}

function Get-NativeRequirements($table) {
    return @($table.packages | Where-Object { $_.native_assembly } | ForEach-Object {
        [pscustomobject]@{ Package = "$($_.id) $($_.version)"; Name = $_.native_assembly; Version = $_.native_version; Checksum = $_.native_checksum.ToUpperInvariant() -replace '^0X', '0x' }
    })
}

function Test-NativeAssemblies {
    # nanoff --nanodevice --devicedetails prints the firmware's interop table under "Native Assemblies:", one
    # "  <name> v<version>, checksum 0x<8 hex>" line each (nf-debugger NanoFrameworkDeviceInfo.ToString). The CLR
    # refuses an assembly whose checksum differs from its line (nf-interpreter CLRStartup.cpp), so compare first.
    $table = Get-FirmwareTable
    $required = Get-NativeRequirements $table
    $arguments = @('--nanodevice', '--devicedetails', '--serialport', $SerialPort)
    $line = 'nanoff ' + ($arguments -join ' ')
    if (-not $PSCmdlet.ShouldProcess($SerialPort, $line)) {
        Write-Host "native assemblies the board must report (hardware/firmware.json), checked before the app is deployed:"
        foreach ($r in $required) { Write-Host "  $($r.Name) v$($r.Version), checksum $($r.Checksum)" }
        return
    }
    Write-Host "== native assemblies of the firmware"
    Write-Host $line
    $found = @{}
    for ($attempt = 1; $attempt -le 3 -and $found.Count -eq 0; $attempt++) {
        # Right after a firmware update the board is still starting: try again a few times.
        if ($attempt -gt 1) { Start-Sleep -Seconds 3 }
        $output = (& nanoff @arguments 2>&1 | Out-String)
        foreach ($text in ($output -split "`r?`n")) {
            if ($text -match '^\s*(\S+) v(\d+\.\d+\.\d+\.\d+), checksum (0x[0-9A-Fa-f]{8})\s*$') {
                $found[$Matches[1]] = [pscustomobject]@{ Version = $Matches[2]; Checksum = '0x' + $Matches[3].Substring(2).ToUpperInvariant() }
            }
        }
    }
    if ($found.Count -eq 0) {
        Write-Warning ("could not read the board's native assemblies (nanoff --nanodevice --devicedetails --serialport $SerialPort); " +
            "check by hand that its 'Native Assemblies' include: " + (($required | ForEach-Object { "$($_.Name) v$($_.Version), checksum $($_.Checksum)" }) -join '; '))
        return
    }
    $wrong = @()
    foreach ($r in $required) {
        $board = $found[$r.Name]
        if ($null -eq $board) {
            $wrong += "  $($r.Name): the firmware has none; $($r.Package) needs v$($r.Version), checksum $($r.Checksum)"
        } elseif ($board.Checksum -ne $r.Checksum) {
            $wrong += "  $($r.Name): the firmware has v$($board.Version), checksum $($board.Checksum); $($r.Package) needs v$($r.Version), checksum $($r.Checksum)"
        } elseif ($board.Version -ne $r.Version) {
            Write-Warning "$($r.Name): the firmware says v$($board.Version), $($r.Package) says v$($r.Version) (same checksum $($r.Checksum), so the CLR loads it)"
        }
    }
    if ($wrong.Count -gt 0) {
        Fail ("the board's firmware does not match the app's packages, so the app would never start " +
            "(the CLR prints 'Invalid native checksum' and 'Link failure'):`n" + ($wrong -join "`n") +
            "`nFlash the pinned firmware: ./flash.ps1 -SerialPort $SerialPort -Target <target> -SkipApp (firmware $($table.firmware.version)), " +
            "or nanoff --update --target <target> --fwversion <version> --serialport $SerialPort with a version whose native assemblies match; see hardware/README.md, 'Firmware and packages'")
    }
    Write-Host "native assemblies match hardware/firmware.json ($($required.Count) checked)"
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
        # --fwversion: the pinned firmware, not the newest (hardware/firmware.json, hardware/README.md "Firmware and packages").
        if ($Target) {
            Invoke-Nanoff @('--update', '--target', $Target, '--fwversion', $FirmwareVersion, '--serialport', $SerialPort) "firmware $Target $FirmwareVersion" `
                "list the versions nanoff has for $Target with: nanoff --listtargets --platform esp32; see hardware/README.md, 'Firmware and packages', for one that matches the packages (-FirmwareVersion)"
        } else {
            Invoke-Nanoff @('--update', '--platform', 'esp32', '--fwversion', $FirmwareVersion, '--serialport', $SerialPort) "firmware $FirmwareVersion (target detected by nanoff)" `
                "list the versions nanoff has with: nanoff --listtargets --platform esp32; see hardware/README.md, 'Firmware and packages', for one that matches the packages (-FirmwareVersion)"
        }
    }

    if (-not $SkipNativeCheck -and (-not $SkipFirmware -or -not $SkipApp)) {
        Test-NativeAssemblies
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
    if ($StatusPage) {
        $files += [ordered]@{ DestinationFilePath = 'I:\status.html'; SourceFilePath = (Join-Path $PSScriptRoot 'NanoBroker' 'Web' 'StatusPage.html') }
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
