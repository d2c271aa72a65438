import { MllpFrameDecoder, mllpFrame, type MllpFrame } from './mllp-frame-decoder';

const frame = (text: string) => mllpFrame(Buffer.from(text));
const texts = (frames: MllpFrame[]) =>
  frames.map((f) => (f.kind === 'message' ? f.payload.toString() : `oversize:${f.head.toString()}`));

describe('MllpFrameDecoder', () => {
  it('given one frame, when pushed, then its payload comes out without framing', () => {
    expect(texts(new MllpFrameDecoder(1000).push(frame('MSH|one')))).toEqual(['MSH|one']);
  });

  it('given two frames in one read, when pushed, then both come out in order', () => {
    const decoder = new MllpFrameDecoder(1000);

    expect(texts(decoder.push(Buffer.concat([frame('MSH|one'), frame('MSH|two')])))).toEqual([
      'MSH|one',
      'MSH|two',
    ]);
  });

  it('given a frame split across reads (even between FS and CR), when pushed, then it comes out once, whole', () => {
    const decoder = new MllpFrameDecoder(1000);
    const bytes = Buffer.concat([frame('MSH|one'), frame('MSH|two')]);

    const out = [3, 9, 10, 13, bytes.length].reduce<{ from: number; frames: MllpFrame[] }>(
      (state, to) => ({
        from: to,
        frames: [...state.frames, ...decoder.push(bytes.subarray(state.from, to))],
      }),
      { from: 0, frames: [] },
    );

    expect(texts(out.frames)).toEqual(['MSH|one', 'MSH|two']);
  });

  it('given bytes between frames, when pushed, then they are skipped', () => {
    const decoder = new MllpFrameDecoder(1000);

    expect(texts(decoder.push(Buffer.concat([Buffer.from('\r\n junk'), frame('MSH|one')])))).toEqual([
      'MSH|one',
    ]);
  });

  it('given a frame over the limit, when pushed, then it is reported once with its head and nothing more is read', () => {
    const decoder = new MllpFrameDecoder(10);

    expect(texts(decoder.push(Buffer.from('\u000bMSH|0123456789abc')))).toEqual([
      'oversize:MSH|0123456789abc',
    ]);
    expect(decoder.push(frame('MSH|small'))).toEqual([]);
  });

  it('given a frame exactly at the limit, when pushed, then it is accepted', () => {
    expect(texts(new MllpFrameDecoder(7).push(frame('MSH|one')))).toEqual(['MSH|one']);
  });
});
