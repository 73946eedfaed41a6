// What a finish reason means to a person, for a model that stopped before it answered.

/** The note under an empty answer whose model only thought: why it stopped, and what to do. */
export function whyNoAnswer(finishReason: string | null): string {
  const lead = 'The model stopped before answering';
  switch (finishReason) {
    case 'length':
      return `${lead}: it reached the token limit while thinking: raise Max tokens (finish reason “length”).`;
    case 'stop':
      return `${lead}: it ended its turn while still thinking (finish reason “stop”). Ask again, or turn thinking off.`;
    case null:
      return `${lead}: the server gave no finish reason.`;
    default:
      return `${lead} (finish reason “${finishReason}”).`;
  }
}
