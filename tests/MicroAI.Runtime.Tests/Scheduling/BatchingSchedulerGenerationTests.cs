using System.Text;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Tests.Scheduling;

/// <summary>One sequence at a time: events, finish reasons, stop strings, UTF-8 assembly.</summary>
public sealed class BatchingSchedulerGenerationTests
{
    [Fact]
    public async Task One_sequence_prefills_the_prompt_then_decodes_each_sampled_token()
    {
        await using var h = new SchedulerHarness(slots: 1);
        var hello = h.Decoder.Word("Hello");
        var world = h.Decoder.Word(" world");
        h.Decoder.Script(7, hello, world, FakeBatchDecoder.Eog);

        var stream = h.Start(SchedulerHarness.Request([5, 6, 7], seed: 7));
        var events = await stream.CollectAsync();

        Assert.Equal(3, stream.PromptTokens);
        Assert.Equal(
            [
                GenerationEvent.Piece("Hello"),
                GenerationEvent.Piece(" world"),
                GenerationEvent.Finish(FinishReason.Stop, new GenerationUsage(3, 2)),
            ],
            events);
        Assert.Equal(
            [
                [new(5, 0, 0, false), new(6, 0, 1, false), new(7, 0, 2, true)],
                [new(hello, 0, 3, true)],
                [new(world, 0, 4, true)],
            ],
            h.Decoder.Batches);
        Assert.Equal(5, events[^1].Usage.TotalTokens);
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task Stats_count_completed_requests_and_generated_tokens()
    {
        await using var h = new SchedulerHarness(slots: 2);

        await h.Start(SchedulerHarness.Request([5], maxTokens: 3)).CollectAsync();
        await h.Start(SchedulerHarness.Request([5], maxTokens: 4)).CollectAsync();

        await SchedulerHarness.Eventually(() => h.Scheduler.Stats.ActiveSequences == 0, "both sequences left their slots");
        // No running sequence holds KV cells; the capacity is every slot's context.
        Assert.Equal(new Runtime.Scheduling.SchedulerStats(2, 0, 0, 2, 7) { KvTokens = 0, KvCapacity = 2L * h.Scheduler.SlotContextSize }, h.Scheduler.Stats);
        Assert.Equal(h.Decoder.SamplersCreated, h.Decoder.SamplersDisposed);
    }

    [Fact]
    public async Task End_of_generation_token_finishes_with_stop_and_is_not_counted()
    {
        await using var h = new SchedulerHarness();
        h.Decoder.Script(1, FakeBatchDecoder.Eog);

        var events = await h.Start(SchedulerHarness.Request([5, 6], seed: 1)).CollectAsync();

        Assert.Equal([GenerationEvent.Finish(FinishReason.Stop, new GenerationUsage(2, 0))], events);
    }

    [Fact]
    public async Task Max_tokens_finishes_with_length()
    {
        await using var h = new SchedulerHarness();

        var events = await h.Start(SchedulerHarness.Request([5, 6], maxTokens: 3)).CollectAsync();

        Assert.Equal("xxx", events.Text());
        var finished = events.Finished();
        Assert.Equal(FinishReason.Length, finished.FinishReason);
        Assert.Equal(new GenerationUsage(2, 3), finished.Usage);
        // The prompt, then the first two sampled tokens; the last one is never decoded.
        Assert.Equal(3, h.Decoder.Batches.Count);
    }

    [Fact]
    public async Task Full_context_finishes_with_length_without_decoding_past_it()
    {
        await using var h = new SchedulerHarness(slotContext: 8);

        var events = await h.Start(SchedulerHarness.Request([5, 6, 7], maxTokens: 100)).CollectAsync();

        var finished = events.Finished();
        Assert.Equal(FinishReason.Length, finished.FinishReason);
        Assert.Equal(new GenerationUsage(3, 5), finished.Usage);
        // 3 prompt + 5 generated = 8 tokens; the last sampled token is never decoded.
        Assert.Equal(6, h.Decoder.Batches.SelectMany(b => b).Max(e => e.Position));
        Assert.Empty(h.Decoder.Violations);
    }

    [Fact]
    public async Task Without_max_tokens_generation_runs_until_the_context_is_full()
    {
        await using var h = new SchedulerHarness(slotContext: 6);

        var events = await h.Start(SchedulerHarness.Request([5, 6])).CollectAsync();

        Assert.Equal(new GenerationUsage(2, 4), events.Finished().Usage);
        Assert.Equal(FinishReason.Length, events[^1].FinishReason);
    }

    [Fact]
    public async Task Stop_string_across_tokens_finishes_with_stop_and_is_removed()
    {
        await using var h = new SchedulerHarness();
        int[] tokens = [.. new[] { "The", " story", " ends", ".", " TH", "E E", "ND", " really" }.Select(h.Decoder.Word)];
        h.Decoder.Script(3, tokens);

        var events = await h.Start(SchedulerHarness.Request([5], seed: 3, maxTokens: 50, " THE END")).CollectAsync();

        Assert.Equal("The story ends.", events.Text());
        var finished = events.Finished();
        Assert.Equal(FinishReason.Stop, finished.FinishReason);
        Assert.Equal(7, finished.Usage.CompletionTokens);
        Assert.All(events, e => Assert.DoesNotContain("TH", e.Text ?? string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_string_split_between_two_tokens_at_every_position()
    {
        const string text = "abcSTOPdef";
        await using var h = new SchedulerHarness();
        for (var cut = 1; cut < text.Length; cut++)
        {
            var seed = (uint)(100 + cut);
            h.Decoder.Script(seed, h.Decoder.Word(text[..cut]), h.Decoder.Word(text[cut..]), FakeBatchDecoder.Eog);

            var events = await h.Start(SchedulerHarness.Request([5], seed: seed, maxTokens: 10, "STOP")).CollectAsync();

            Assert.Equal("abc", events.Text());
            Assert.Equal(FinishReason.Stop, events.Finished().FinishReason);
        }
    }

    [Fact]
    public async Task Chat_format_stops_apply_like_request_stops()
    {
        await using var h = new SchedulerHarness();
        h.Model.FormatStops = ["\nUser:"];
        h.Decoder.Script(1, h.Decoder.Word("Hi"), h.Decoder.Word("!\n"), h.Decoder.Word("User"), h.Decoder.Word(": more"));

        var events = await h.Start(SchedulerHarness.Request([5], seed: 1, maxTokens: 10)).CollectAsync();

        Assert.Equal("Hi!", events.Text());
        Assert.Equal(FinishReason.Stop, events.Finished().FinishReason);
        Assert.Equal(4, events[^1].Usage.CompletionTokens);
    }

    [Fact]
    public async Task Text_held_for_a_possible_stop_is_released_when_generation_ends()
    {
        await using var h = new SchedulerHarness();
        h.Decoder.Script(1, h.Decoder.Word("Bye"), h.Decoder.Word("\nUs"), FakeBatchDecoder.Eog);
        h.Decoder.Script(2, h.Decoder.Word("Bye"), h.Decoder.Word("\nUs"));

        var byEog = await h.Start(SchedulerHarness.Request([5], seed: 1, maxTokens: 10, "\nUser:")).CollectAsync();
        var byLength = await h.Start(SchedulerHarness.Request([5], seed: 2, maxTokens: 2, "\nUser:")).CollectAsync();

        Assert.Equal([GenerationEvent.Piece("Bye"), GenerationEvent.Piece("\nUs"), GenerationEvent.Finish(FinishReason.Stop, new GenerationUsage(1, 2))], byEog);
        Assert.Equal("Bye\nUs", byLength.Text());
        Assert.Equal(FinishReason.Length, byLength.Finished().FinishReason);
    }

    [Fact]
    public async Task Characters_split_over_byte_tokens_arrive_whole()
    {
        await using var h = new SchedulerHarness();
        var bytes = Encoding.UTF8.GetBytes("a🙂é日");
        h.Decoder.Script(1, [.. bytes.Select(FakeBatchDecoder.ByteToken), FakeBatchDecoder.Eog]);

        var events = await h.Start(SchedulerHarness.Request([5], seed: 1, maxTokens: 50)).CollectAsync();

        Assert.Equal("a🙂é日", events.Text());
        Assert.Equal(bytes.Length, events.Finished().Usage.CompletionTokens);
        Assert.All(events.Where(e => e.Kind == GenerationEventKind.Text), e =>
        {
            Assert.NotEmpty(e.Text!);
            Assert.DoesNotContain('\uFFFD', e.Text!);
            Assert.False(char.IsHighSurrogate(e.Text![^1]), "half a surrogate pair was released");
        });
    }

    [Fact]
    public async Task Incomplete_character_at_the_end_becomes_a_replacement_character()
    {
        await using var h = new SchedulerHarness();
        h.Decoder.Script(1, FakeBatchDecoder.ByteToken((byte)'a'), FakeBatchDecoder.ByteToken(0xF0), FakeBatchDecoder.ByteToken(0x9F));

        var events = await h.Start(SchedulerHarness.Request([5], seed: 1, maxTokens: 3)).CollectAsync();

        Assert.Equal("a\uFFFD", events.Text());
        Assert.Equal(FinishReason.Length, events.Finished().FinishReason);
    }

    [Fact]
    public async Task A_piece_longer_than_the_scratch_buffer_is_read_whole()
    {
        await using var h = new SchedulerHarness();
        var big = new string('z', 1000) + "日";
        h.Decoder.Script(1, h.Decoder.Word(big), FakeBatchDecoder.Eog);

        var events = await h.Start(SchedulerHarness.Request([5], seed: 1)).CollectAsync();

        Assert.Equal(big, events.Text());
    }
}
