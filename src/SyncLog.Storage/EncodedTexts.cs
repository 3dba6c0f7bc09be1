namespace SyncLog.Storage;

/// <summary>The ranges of an entry's UTF-8 column texts within its encoded checksum input (<see cref="ChecksumChain.Encode"/>).</summary>
internal readonly record struct EncodedTexts(Range DeviceId, Range Timestamp, Range ModelType, Range RecordId,
    Range ChangeType, Range Data);
