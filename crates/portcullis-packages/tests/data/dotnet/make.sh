#!/bin/sh
# The .NET fixture is HAND-WRITTEN: there is no .NET SDK on this machine
# and nuget.org is not reachable, so no real `dotnet publish` made it.
# It follows the documented deps.json format (dotnet/sdk,
# documentation/specs/runtime-configuration-file.md) and the shape the SDK
# writes (a self-contained linux-x64 publish of a console app with a
# project reference): `libraries` of type project (the app, its project
# reference), package (NuGet packages, with sha512/path/hashPath),
# runtimepack (the runtime copied into a self-contained app) and
# reference (a plain assembly reference).
# The truth (truth.tsv, name TAB version) is what those entries mean, by
# the spec: every `package` and `runtimepack` library (the latter named
# without its `runtimepack.` prefix); not `project` nor `reference`.
# (When an SDK is at hand: `dotnet new console`, `dotnet add package ...`,
# `dotnet publish -r linux-x64 --self-contained` and
# `dotnet list package --include-transitive` would make and list a real one.)
set -eu
mkdir -p app
cat > app/PortcullisDemo.deps.json <<'JSON'
{
  "runtimeTarget": {
    "name": ".NETCoreApp,Version=v8.0/linux-x64",
    "signature": ""
  },
  "compilationOptions": {},
  "targets": {
    ".NETCoreApp,Version=v8.0": {},
    ".NETCoreApp,Version=v8.0/linux-x64": {
      "PortcullisDemo/1.0.0": {
        "dependencies": {
          "Demo.Core": "1.0.0",
          "Newtonsoft.Json": "13.0.3",
          "Serilog": "3.1.1",
          "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64": "8.0.6"
        },
        "runtime": {
          "PortcullisDemo.dll": {}
        }
      },
      "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.6": {
        "runtime": {
          "System.Private.CoreLib.dll": {
            "assemblyVersion": "8.0.0.0",
            "fileVersion": "8.0.624.26715"
          }
        },
        "native": {
          "libcoreclr.so": {
            "fileVersion": "0.0.0.0"
          }
        }
      },
      "Microsoft.Extensions.Logging.Abstractions/8.0.0": {
        "runtime": {
          "lib/net8.0/Microsoft.Extensions.Logging.Abstractions.dll": {
            "assemblyVersion": "8.0.0.0",
            "fileVersion": "8.0.23.53103"
          }
        }
      },
      "Newtonsoft.Json/13.0.3": {
        "runtime": {
          "lib/net6.0/Newtonsoft.Json.dll": {
            "assemblyVersion": "13.0.0.0",
            "fileVersion": "13.0.3.27908"
          }
        }
      },
      "Serilog/3.1.1": {
        "runtime": {
          "lib/net7.0/Serilog.dll": {
            "assemblyVersion": "2.0.0.0",
            "fileVersion": "3.1.1.0"
          }
        }
      },
      "Demo.Core/1.0.0": {
        "dependencies": {
          "Microsoft.Extensions.Logging.Abstractions": "8.0.0"
        },
        "runtime": {
          "Demo.Core.dll": {}
        }
      },
      "Legacy.Interop/1.0.0.0": {
        "runtime": {
          "Legacy.Interop.dll": {}
        }
      }
    }
  },
  "libraries": {
    "PortcullisDemo/1.0.0": {
      "type": "project",
      "serviceable": false,
      "sha512": ""
    },
    "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.6": {
      "type": "runtimepack",
      "serviceable": false,
      "sha512": ""
    },
    "Microsoft.Extensions.Logging.Abstractions/8.0.0": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-arDBqTgFCyS0EvRV7O3MZturChstm50OJ0y9bDJvAcmEPJm0FFpFyjU/JLYyStNGGey081DvnQYlncNX5SJJGA==",
      "path": "microsoft.extensions.logging.abstractions/8.0.0",
      "hashPath": "microsoft.extensions.logging.abstractions.8.0.0.nupkg.sha512"
    },
    "Newtonsoft.Json/13.0.3": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==",
      "path": "newtonsoft.json/13.0.3",
      "hashPath": "newtonsoft.json.13.0.3.nupkg.sha512"
    },
    "Serilog/3.1.1": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-P6G4/4Kt9bT635bhuwdXlJ2SCqqn2nhh4gqFqQueCOr9bK/e7W9ll/IoX1Ter948cV2Z/5+5v8pAfJYUISY03A==",
      "path": "serilog/3.1.1",
      "hashPath": "serilog.3.1.1.nupkg.sha512"
    },
    "Demo.Core/1.0.0": {
      "type": "project",
      "serviceable": false,
      "sha512": ""
    },
    "Legacy.Interop/1.0.0.0": {
      "type": "reference",
      "serviceable": false,
      "sha512": ""
    }
  }
}
JSON
printf '%s\t%s\n' \
  Microsoft.Extensions.Logging.Abstractions 8.0.0 \
  Microsoft.NETCore.App.Runtime.linux-x64 8.0.6 \
  Newtonsoft.Json 13.0.3 \
  Serilog 3.1.1 > truth.tsv
