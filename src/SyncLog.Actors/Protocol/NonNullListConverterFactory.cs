using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncLog.Actors;

/// <summary>
/// Reads every <see cref="IReadOnlyList{T}"/> of references in the protocol and refuses a null item: System.Text.Json's
/// nullable checks stop at the list itself, and a peer's <c>[null]</c> would otherwise reach an actor as an entry.
/// </summary>
internal sealed class NonNullListConverterFactory : JsonConverterFactory
{
    /// <inheritdoc />
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType
        && typeToConvert.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
        && !typeToConvert.GetGenericArguments()[0].IsValueType;

    /// <inheritdoc />
    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(NonNullListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class NonNullListConverter<T> : JsonConverter<IReadOnlyList<T>>
        where T : class
    {
        public override IReadOnlyList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // List<T> is not IReadOnlyList<T> as a declared type, so this does not come back to the factory.
            var items = JsonSerializer.Deserialize<List<T>>(ref reader, options)
                        ?? throw new JsonException($"a list of {typeof(T).Name} must not be null");
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is null)
                    throw new JsonException($"item {i} of a list of {typeof(T).Name} must not be null");
            }

            return items;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize<IEnumerable<T>>(writer, value, options);
    }
}
