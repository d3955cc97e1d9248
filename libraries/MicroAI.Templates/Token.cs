namespace MicroAI.Templates;

internal enum TokenKind
{
    Text,
    VariableStart,
    VariableEnd,
    BlockStart,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

/// <summary>One lexeme; <see cref="Value"/> is the decoded text (string literals already unescaped).</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Line)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;
    public bool IsName(string value) => Is(TokenKind.Name, value);
    public bool IsOperator(string value) => Is(TokenKind.Operator, value);
}
