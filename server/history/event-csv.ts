/**
 * A board's events as CSV rows for a person to read (docs/api.md "CSV"): Japan time, a plain label
 * per type, who did it by name, what the idea said at that moment, and what changed in words
 * (「箱に色を」→「箱に色のシールを」, 2 → 3 票). Japanese by default, English with `lang=en`.
 */
import type { HelpLevel, IdeaStatus, Phase, Project } from '../../shared/board';
import { exhaustive } from '../../shared/exhaustive';
import type { FuriganaLevel } from '../../shared/reading';
import type { EventType, HistoryEvent } from '../../shared/history';
import { ANONYMOUS_ID_PREFIX } from '../../shared/permissions';
import type { CsvCell } from './csv';
import type { IdeaTexts } from './event-log';

export type CsvLanguage = 'ja' | 'en';

type Words = Record<CsvLanguage, string>;

const HEADER: Record<CsvLanguage, readonly string[]> = {
  ja: ['日時', '種類', 'だれ', 'アイデア', '内容'],
  en: ['Time', 'Type', 'Who', 'Idea', 'Details'],
};

const TYPE_LABELS: Record<EventType, Words> = {
  'idea.created': { ja: 'アイデアを出した', en: 'Idea posted' },
  'idea.edited': { ja: 'アイデアを直した', en: 'Idea edited' },
  'idea.deleted': { ja: 'アイデアを消した', en: 'Idea deleted' },
  'idea.merged': { ja: 'アイデアをまとめた', en: 'Ideas merged' },
  'idea.status': { ja: 'アイデアの状態が変わった', en: 'Idea status changed' },
  'vote.cast': { ja: '投票した', en: 'Voted' },
  'vote.withdrawn': { ja: '票をもどした', en: 'Vote taken back' },
  'vote.moved': { ja: '票が移った', en: 'Votes moved' },
  'vote.passed': { ja: '今回は投票しない', en: 'Passed this time' },
  'vote.unpassed': { ja: '「投票しない」をやめた', en: 'Pass taken back' },
  'thanks.given': { ja: 'ありがとうを送った', en: 'Thanks given' },
  'thanks.withdrawn': { ja: 'ありがとうをもどした', en: 'Thanks taken back' },
  'project.created': { ja: 'プロジェクトを作った', en: 'Project created' },
  'project.edited': { ja: 'プロジェクトを直した', en: 'Project edited' },
  'project.deleted': { ja: 'プロジェクトを消した', en: 'Project deleted' },
  'project.lead_claimed': { ja: 'リーダーになった', en: 'Became the lead' },
  'project.lead_released': { ja: 'リーダーをおりた', en: 'Stepped down as lead' },
  'project.member_joined': { ja: 'メンバーになった', en: 'Joined the project' },
  'project.member_left': { ja: 'メンバーをぬけた', en: 'Left the project' },
  'project.status': { ja: 'プロジェクトの状態が変わった', en: 'Project status changed' },
  'step.added': { ja: 'ステップを足した', en: 'Step added' },
  'step.edited': { ja: 'ステップを直した', en: 'Step edited' },
  'step.removed': { ja: 'ステップを消した', en: 'Step removed' },
  'step.done': { ja: 'ステップができた', en: 'Step done' },
  'step.undone': { ja: 'ステップを未完了にもどした', en: 'Step not done after all' },
  'board.changed': { ja: 'ボードの設定が変わった', en: 'Board changed' },
  'board.restored': { ja: 'スナップショットにもどした', en: 'Snapshot restored' },
  'meeting.started': { ja: '会議を始めた', en: 'Meeting started' },
  'meeting.closed': { ja: '会議を終えた', en: 'Meeting closed' },
  attendance: { ja: '会議に出た', en: 'Attended the meeting' },
};

const IDEA_STATUS: Record<IdeaStatus, Words> = {
  open: { ja: '受付中', en: 'open' },
  project: { ja: 'プロジェクト', en: 'project' },
  done: { ja: 'できた', en: 'done' },
  parked: { ja: '保留', en: 'parked' },
};

const PROJECT_STATUS: Record<Project['status'], Words> = {
  planning: { ja: 'じゅんび中', en: 'planning' },
  active: { ja: 'すすめている', en: 'active' },
  done: { ja: 'できた', en: 'done' },
  paused: { ja: 'お休み中', en: 'paused' },
};

const HELP: Record<HelpLevel, Words> = {
  none: { ja: '自分で', en: 'on their own' },
  prompted: { ja: 'いっしょに考えた', en: 'thought through together' },
  scribed: { ja: '本人の言葉を書いた', en: 'written down for them' },
};

const PHASE: Record<Phase, Words> = {
  collect: { ja: 'アイデアを集める', en: 'collect' },
  vote: { ja: '投票', en: 'vote' },
  projects: { ja: 'プロジェクト', en: 'projects' },
  closed: { ja: 'おわり', en: 'closed' },
};

const FURIGANA: Record<FuriganaLevel, Words> = {
  all: { ja: 'すべての漢字', en: 'all kanji' },
  'grade-1': { ja: '1年生より上の漢字', en: 'kanji above grade 1' },
  'grade-2': { ja: '2年生より上の漢字', en: 'kanji above grade 2' },
  'grade-3': { ja: '3年生より上の漢字', en: 'kanji above grade 3' },
  'grade-4': { ja: '4年生より上の漢字', en: 'kanji above grade 4' },
  'grade-5': { ja: '5年生より上の漢字', en: 'kanji above grade 5' },
  'grade-6': { ja: '6年生より上の漢字', en: 'kanji above grade 6' },
  none: { ja: 'なし', en: 'none' },
};

const FIELD: Record<string, Words> = {
  text: { ja: '文', en: 'text' },
  category: { ja: '分類', en: 'category' },
  anonymous: { ja: '匿名', en: 'anonymous' },
  help: { ja: '手伝い', en: 'help' },
  title: { ja: '名前', en: 'title' },
  supporterId: { ja: '支援員', en: 'supporter' },
  ideaId: { ja: 'もとのアイデア', en: 'idea' },
  phase: { ja: '会のすすみかた', en: 'phase' },
  voteBudget: { ja: '一人の票', en: 'votes each' },
  votesHidden: { ja: '票をかくす', en: 'votes hidden' },
  furigana: { ja: 'ふりがな', en: 'furigana' },
  timer: { ja: 'タイマー', en: 'timer' },
};

const WORD = {
  anonymous: { ja: '匿名', en: 'anonymous' },
  yes: { ja: 'はい', en: 'yes' },
  no: { ja: 'いいえ', en: 'no' },
  votes: { ja: '票', en: 'votes' },
  enteredBy: { ja: '入力', en: 'entered by' },
  unmerged: { ja: 'まとめを外した', en: 'unmerged' },
  into: { ja: 'へ', en: 'into' },
  attendees: { ja: '出席', en: 'attended' },
  people: { ja: '人', en: 'people' },
  correctedBy: { ja: '出席を直した', en: 'attendance corrected' },
  forSomeone: { ja: 'の分', en: "'s" },
  none: { ja: 'なし', en: 'none' },
} satisfies Record<string, Words>;

export interface CsvNames {
  /** The person's name, or a word for an anonymous author or an id nobody has. */
  nameOf(actorId: string): string;
}

export function eventsCsvHeader(lang: CsvLanguage): readonly string[] {
  return HEADER[lang];
}

/** One event as a CSV row. */
export function eventCsvRow(event: HistoryEvent, lang: CsvLanguage, names: CsvNames, texts: IdeaTexts): CsvCell[] {
  const eventId = Number(event.id);
  const ideaText = event.ideaId ? texts.textAt(event.ideaId, eventId) : '';
  return [
    japanTime(event.at),
    TYPE_LABELS[event.type][lang],
    names.nameOf(event.actorId),
    ideaText,
    details(event, lang, names, texts),
  ];
}

/** `2026-06-01 14:02:03`, Japan time (UTC+9 all year). */
export function japanTime(at: string): string {
  return new Date(new Date(at).getTime() + 9 * 60 * 60 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A name for an actor id: a person's, 「匿名（anon_…）」 for an anonymous author, else the id itself. */
export function nameFinder(lang: CsvLanguage, people: ReadonlyMap<string, string>): CsvNames {
  return {
    nameOf(actorId) {
      if (actorId.startsWith(ANONYMOUS_ID_PREFIX)) return lang === 'ja' ? `匿名（${actorId}）` : `anonymous (${actorId})`;
      return people.get(actorId) ?? actorId;
    },
  };
}

function details(event: HistoryEvent, lang: CsvLanguage, names: CsvNames, texts: IdeaTexts): string {
  const { data } = event;
  const w = (words: Words) => words[lang];
  const quoted = (value: unknown) => (lang === 'ja' ? `「${String(value ?? '')}」` : `"${String(value ?? '')}"`);
  const change = (from: string, to: string) => `${from} → ${to}`;
  const votes = () => `${num(data.from)} → ${num(data.to)} ${w(WORD.votes)}`;
  const person = (key: string) => (typeof data[key] === 'string' && data[key] !== '' ? names.nameOf(data[key]) : w(WORD.none));
  const type = event.type;
  switch (type) {
    case 'idea.created': {
      const parts = [quoted(data.text)];
      if (data.help && data.help !== 'none') parts.push(`${w(FIELD.help!)}: ${wordOf(HELP, data.help, lang)}`);
      if (typeof data.enteredBy === 'string') parts.push(`${w(WORD.enteredBy)}: ${names.nameOf(data.enteredBy)}`);
      if (data.anonymous === true) parts.push(w(WORD.anonymous));
      return parts.join(lang === 'ja' ? '、' : ', ');
    }
    case 'idea.edited':
      return fieldChange(data, lang, names, texts, eventIdOf(event));
    case 'idea.deleted':
      return quoted(data.text);
    case 'idea.merged':
      if (typeof data.into !== 'string') return w(WORD.unmerged);
      return lang === 'ja' ? `${quoted(texts.textAt(data.into, eventIdOf(event)))}${w(WORD.into)}` : `${w(WORD.into)} ${quoted(texts.textAt(data.into, eventIdOf(event)))}`;
    case 'idea.status':
      return change(wordOf(IDEA_STATUS, data.from, lang), wordOf(IDEA_STATUS, data.to, lang));
    case 'vote.cast':
    case 'vote.withdrawn':
      return votes();
    case 'vote.moved':
      return `${person('voterId')}: ${votes()}`;
    case 'vote.passed':
    case 'vote.unpassed':
      return typeof data.passerId === 'string' ? `${names.nameOf(data.passerId)}${w(WORD.forSomeone)}` : '';
    case 'thanks.given':
    case 'thanks.withdrawn':
    case 'step.undone':
    case 'meeting.started':
      return '';
    case 'project.created':
    case 'project.deleted':
      return quoted(data.title);
    case 'project.edited':
      return fieldChange(data, lang, names, texts, eventIdOf(event));
    case 'project.status':
      return change(wordOf(PROJECT_STATUS, data.from, lang), wordOf(PROJECT_STATUS, data.to, lang));
    case 'project.lead_claimed':
    case 'project.lead_released':
      return person('leadId');
    case 'project.member_joined':
    case 'project.member_left':
      return person('memberId');
    case 'step.added':
    case 'step.removed':
      return quoted(data.text);
    case 'step.edited':
      return change(quoted(data.from), quoted(data.to));
    case 'step.done':
      return person('doneBy');
    case 'board.changed':
      return fieldChange(data, lang, names, texts, eventIdOf(event));
    case 'board.restored':
      return quoted(data.label);
    case 'meeting.closed': {
      const count = Array.isArray(data.attendance) ? data.attendance.length : 0;
      const attended = lang === 'ja' ? `${w(WORD.attendees)} ${count} ${w(WORD.people)}` : `${count} ${w(WORD.people)} ${w(WORD.attendees)}`;
      return data.corrected === true ? `${attended} (${w(WORD.correctedBy)})` : attended;
    }
    case 'attendance':
      return data.corrected === true ? w(WORD.correctedBy) : '';
    default:
      return exhaustive(type);
  }
}

/** `{field, from, to}` of an idea, project or board edit, in words. */
function fieldChange(data: Record<string, unknown>, lang: CsvLanguage, names: CsvNames, texts: IdeaTexts, eventId: number): string {
  const field = String(data.field ?? '');
  const label = FIELD[field]?.[lang] ?? field;
  const value = (raw: unknown): string => {
    const quoted = (text: unknown) => (lang === 'ja' ? `「${String(text ?? '')}」` : `"${String(text ?? '')}"`);
    switch (field) {
      case 'text':
      case 'title':
      case 'category':
        return quoted(raw);
      case 'help':
        return wordOf(HELP, raw, lang);
      case 'phase':
        return wordOf(PHASE, raw, lang);
      case 'furigana':
        return wordOf(FURIGANA, raw, lang);
      case 'anonymous':
      case 'votesHidden':
        return raw === true ? WORD.yes[lang] : WORD.no[lang];
      case 'supporterId':
        return typeof raw === 'string' && raw !== '' ? names.nameOf(raw) : WORD.none[lang];
      case 'ideaId':
        return typeof raw === 'string' && raw !== '' ? quoted(texts.textAt(raw, eventId)) : WORD.none[lang];
      case 'timer':
        return timerWords(raw, lang);
      default:
        return String(raw ?? '');
    }
  };
  const changed = `${value(data.from)} → ${value(data.to)}`;
  // An idea's text change says only the texts: the column before already says it is an edit.
  return field === 'text' ? changed : `${label}: ${changed}`;
}

function timerWords(raw: unknown, lang: CsvLanguage): string {
  const timer = (raw ?? {}) as { endsAt?: unknown; label?: unknown; paused?: unknown };
  if (typeof timer.endsAt !== 'number' || timer.endsAt === 0) return lang === 'ja' ? 'なし' : 'none';
  const label = typeof timer.label === 'string' && timer.label !== '' ? ` ${timer.label}` : '';
  return `${japanTime(new Date(timer.endsAt).toISOString()).slice(11, 16)}${lang === 'ja' ? 'まで' : ' end'}${label}`;
}

function wordOf<Key extends string>(table: Record<Key, Words>, key: unknown, lang: CsvLanguage): string {
  return typeof key === 'string' && key in table ? table[key as Key][lang] : String(key ?? '');
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function eventIdOf(event: HistoryEvent): number {
  return Number(event.id);
}
