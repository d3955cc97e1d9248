namespace MicroAI.TextFormats.ToolCalling;

/// <summary>Makes ids for tool calls the model did not name itself. Injectable so tests get stable ids.</summary>
public interface IToolCallIdGenerator
{
    string NextId();
}
