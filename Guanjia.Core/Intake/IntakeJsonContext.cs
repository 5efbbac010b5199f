using System.Text.Json;
using System.Text.Json.Serialization;

namespace Guanjia.Core.Intake;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IncomingMessage))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
