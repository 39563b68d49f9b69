namespace Rapport.Privacy;

/// <summary>
/// Marks a free-text string property to be stored encrypted (AES-256-GCM, <see cref="FieldEncryption"/>).
/// Opting in is all a new clinical field (notes, transcripts, testimonials) needs; the model convention in
/// <c>RapportDb</c> does the rest. Encrypted columns cannot be searched or sorted by the database.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EncryptedAttribute : Attribute;
