import type { RespectCategory } from './categories';

/**
 * The phrasings the respect check looks for, by category. Each rule is a pattern over the lower-cased
 * text (a space in a pattern matches any run of white space, so line breaks do not hide a phrase), with
 * why it hurts and what to say instead. The patterns describe a way of speaking ("you + failed/forgot/
 * neglected + to"), not sentences: they were written from the category's meaning, then checked against
 * the dev split of the corpus only (see README "The respect check").
 */
export interface PhraseRule {
  category: Exclude<RespectCategory, 'readability'>;
  pattern: string;
  why: string;
  suggestion: string;
  /** Also matches across quotation marks (scare quotes are the agent's own sarcasm, not a quotation). */
  spansQuotes?: boolean;
}

// Small vocabularies shared by several patterns.
const WE = "(?:we|i|we've|i've|we have|i have|we had|i had)";
const ALREADY = '(?:already |previously |repeatedly |clearly )?';
const TOLD = '(?:said|explained|stated|told you|mentioned|advised(?: you)?|informed you|pointed out|made clear)';
const NOT = "(?:not|n't|never)";

const BLAME_SUGGESTION =
  'Describe what happened without saying whose fault it is, then what we will do: "The form was sent without the account number, so here is what we can do now".';
const ARGUMENT_SUGGESTION =
  'Acknowledge what the customer said before giving the facts, and give them plainly: "I understand why this looks wrong; here is what our records show".';
const DISMISS_SUGGESTION =
  'Take the concern seriously and say what can be done, even when the answer is no: "I can see this matters to you; here is what I can offer".';
const THREAT_SUGGESTION =
  'State the facts and the options without a threat: "The balance is still open; here are the ways to pay or to talk to us about it".';
const SARCASM_SUGGESTION = 'Say it plainly; irony reads as contempt in writing. Drop the word, or state the fact.';

export const PHRASE_RULES: readonly PhraseRule[] = [
  // blame: the customer is made the cause of the problem.
  {
    category: 'blame',
    pattern:
      'you should(?: really| simply)? have(?! been(?:[.,;!?]|$)| (?:received|got|gotten|heard|had (?:a|an|our|the|your)|seen (?:a|an|our)|been (?:sent|given|told|contacted|refunded|credited|notified|offered|informed|called|kept|treated|updated)))',
    why: 'tells the customer what they did wrong',
    suggestion: BLAME_SUGGESTION,
  },
  {
    category: 'blame',
    pattern: `you (?:failed|forgot|neglected|omitted|chose|refused|didn't bother|did not bother) to`,
    why: 'makes the customer the cause of the problem',
    suggestion: BLAME_SUGGESTION,
  },
  {
    category: 'blame',
    pattern: `(?:you (?:${NOT} |did not |didn't |never )(?:read|check|follow|follow up on|pay attention to|look at|fill in|notice|tell us|inform us|update|respond to|keep)|if you had (?:only )?(?:read|checked|followed|paid|listened|bothered)|had you (?:read|checked|followed|bothered|paid attention)|you bothered to|you had bothered|you ignored (?:our|the|my|all|every)|you had (?:plenty of|enough|ample) time|next time,? (?:please )?(?:read|check|make sure|try))`,
    why: 'implies the customer was careless',
    suggestion: BLAME_SUGGESTION,
  },
  {
    category: 'blame',
    pattern:
      "(?:(?:it|this|that) (?:is|was|'s) (?:entirely |all |completely )?your (?:own )?(?:fault|mistake|error|doing|responsibility)|your (?:own )?fault|your (?:own )?(?:mistake|error|carelessness|negligence|oversight|failure)|(?:due|owing) to your (?:own )?(?:error|mistake|failure|negligence|carelessness|oversight|actions)|caused by you|you (?:caused|created) (?:this|the|these)|user error|(?:you are|you're) (?:to blame|at fault|responsible for (?:this|the (?:delay|problem|error|charge|issue)))|the blame (?:lies|rests) with you)",
    why: 'puts the fault on the customer',
    suggestion: BLAME_SUGGESTION,
  },
  {
    category: 'blame',
    pattern:
      '(?:you (?:must have |obviously |clearly )?(?:misread|misunderstood|misunderstand|entered the wrong|typed the wrong|gave us the wrong|got (?:it|this|that) wrong|made a mistake|made an error)|you (?:were|are) (?:wrong|mistaken) to|you (?:were|are) supposed to|it was up to you to|you were (?:careless|negligent))',
    why: 'tells the customer they got it wrong',
    suggestion: BLAME_SUGGESTION,
  },

  // argument: the agent defends, contradicts or scores a point.
  {
    category: 'argument',
    pattern: `(?:as ${WE} (?:have |had )?${ALREADY}${TOLD}|as (?:already|previously|repeatedly|clearly|stated|explained|mentioned)(?: (?:explained|stated|mentioned|advised|said))?(?: (?:before|earlier|above|several times|many times|in our (?:last|previous) (?:letter|email)))?|as you (?:have been|were) (?:told|advised|informed)|${WE} (?:have )?(?:already )?(?:told|explained (?:to )?)you (?:several|many|three|two|multiple) times|clearly stated|for the (?:last|final|third|second) time|once again,? (?:we|i) (?:must|have to|will) (?:explain|repeat|remind))`,
    why: 'implies the customer did not listen the first time',
    suggestion: ARGUMENT_SUGGESTION,
  },
  {
    category: 'argument',
    pattern:
      "(?:(?:you are|you're) (?:simply |just |quite |plainly )?(?:wrong|mistaken|incorrect|confused|misinformed)|that is (?:simply |just )?(?:not true|untrue|false|incorrect|not the case|not what happened)|that's (?:simply |just )?(?:not true|untrue|false|incorrect|not the case|not what happened)|contrary to what you (?:claim|say|said|think|believe|suggest)|despite what you (?:claim|say|said|think|believe)|(?:you|your) (?:claim|claims|allegation|allegations|assertion) (?:is|are|that) (?:baseless|false|unfounded|wrong|incorrect|without merit)|you keep (?:saying|insisting|claiming|repeating)|you are missing the point|(?:we|i) (?:must |have to )?(?:strongly )?disagree with you|(?:let me|allow me to) (?:be clear|correct you)|the facts (?:are|speak) (?:clear|for themselves))",
    why: 'contradicts the customer instead of listening',
    suggestion: ARGUMENT_SUGGESTION,
  },
  {
    category: 'argument',
    pattern:
      "(?:(?:it|this|that) (?:is|was|'s) not our (?:fault|responsibility|mistake|error)|(?:it|this|that) isn't our (?:fault|responsibility|mistake)|there (?:is|was) no (?:error|mistake|fault) on our (?:side|part)|our (?:system|systems|records|staff) (?:does not|do not|doesn't|don't|never) (?:make|get|lie)|not our (?:fault|responsibility|mistake)|(?:we|the company) (?:are|is|were|was) not (?:to blame|responsible|at fault|liable)|we (?:did|have done|'ve done) nothing wrong|we (?:did not|didn't) do anything wrong|we (?:accept|admit) no (?:fault|responsibility|liability)|no fault (?:lies|rests) with us|(?:we|i) (?:stand by|will not apologi[sz]e for))",
    why: 'defends the company before understanding the customer',
    suggestion:
      'Explain what happened and what we will do, without defending first: "Here is what happened on our side, and here is what we will do".',
  },

  // dismissal: the concern is waved away, minimised, or the conversation shut down.
  {
    category: 'dismissal',
    pattern:
      "(?:calm down|(?:there is|there's|there is really) nothing (?:more |else |further )?(?:we|i) (?:can|could|are able to|will) do|nothing (?:more |else )?can be done|policy is policy|rules are rules|(?:that's|that is|it's|it is) (?:just )?(?:how|the way) (?:it is|things are|it works)|(?:not|isn't|is not) (?:my|our) problem|deal with it|get over it|take it or leave it|live with it|(?:there is|there's) no point (?:in )?(?:complaining|discussing|arguing)|(?:stop|quit) (?:complaining|emailing|calling|writing|contacting)|you(?:'ll| will) (?:just )?have to (?:accept|live with|put up with|wait like everyone)|(?:we|i) (?:cannot|can't|won't|will not) help you(?! with| to| today| by| further here| ourselves)|(?:we|i) (?:will not|won't|shall not) (?:be )?(?:discuss|discussing|respond|responding|correspond|corresponding|enter into)(?: to)? (?:this|any|further))",
    why: 'shuts the customer down instead of helping',
    suggestion: DISMISS_SUGGESTION,
  },
  {
    category: 'dismissal',
    pattern:
      "(?:(?:it's|it is|this is|that is|that's|it was) (?:only|just|merely) (?:a|an|one|£|\\$|€|\\d)|(?:only|just) a (?:small|minor|tiny|few) (?:delay|issue|problem|inconvenience|charge|amount|error|matter|thing)|(?:not|no) (?:such )?a big deal|(?:hardly|barely) (?:a|an|worth)|(?:you are|you're) (?:overreacting|being (?:unreasonable|emotional|dramatic|difficult|hysterical|silly))|no need to (?:get|be) (?:so )?(?:upset|angry|emotional|worked up|rude)|(?:we|i) (?:do not|don't) (?:see|understand) (?:what|why) (?:the (?:problem|fuss|issue) is|you are (?:upset|complaining)|you're (?:upset|complaining))|(?:we have|there are) (?:more important|bigger|other customers)|(?:this|the) (?:matter|case|complaint|conversation) is (?:now )?closed(?: and| so|\\.|$| we)|(?:a|this is a|is a) trivial (?:matter|issue|amount|problem|thing)|(?:not|isn't) worth (?:complaining|a complaint|the fuss)|(?:you|customers) (?:always|constantly) complain|most (?:people|customers) (?:would not|wouldn't|do not|don't) (?:mind|complain|notice))",
    why: 'minimises a concern that matters to the customer',
    suggestion: DISMISS_SUGGESTION,
  },

  // threat: pressure by consequence.
  {
    category: 'threat',
    pattern:
      "(?:(?:we|i) (?:will|shall|may|might|would|are going to|intend to|'ll) (?:have to |be forced to |be obliged to |have no choice but to )?(?:take|start|begin|commence|pursue|consider|initiate) (?:legal|court|formal) (?:action|proceedings)|legal action (?:against you|will (?:follow|be taken))|(?:we|i) (?:will|shall|may|might|could|'ll|are going to) (?:have to |be forced to )?(?:close|suspend|terminate|freeze|cancel|block|restrict|end) (?:your|the) (?:account|agreement|contract|service|supply|membership)|(?:we|i) (?:will|shall|may|'ll|are going to) stop (?:supplying|serving|dealing with) you|your account (?:will|may|could) be (?:closed|suspended|terminated|frozen|cancelled|canceled|blocked|restricted) (?:if|unless|should)|(?:pass|passed|passing|hand|handed|handing|refer|referred|referring|send|sent|sending) (?:(?:this|the|your) (?:debt|balance|account|matter|arrears) )?(?:over )?to (?:a |an |our )?(?:debt )?(?:collection|collectors|recovery|bailiffs|solicitors|lawyers)|debt collect(?:ion|ors)|(?:we|i) (?:will|may|shall|'ll) report you|(?:you will|you'll|you may|you could) be (?:banned|blacklisted|prosecuted|reported|sued|barred)|final warning|last warning|you have been warned|(?:face|there will be|suffer) (?:the )?(?:consequences|repercussions)|(?:further|any more|continued|repeated) (?:complaints|calls|emails|contact|messages)(?: [a-z]+){0,3} (?:will|may|could) (?:result|lead)|we reserve the right to (?:take|pursue|close|terminate|cancel|refuse|suspend|charge|report|ban|end)|(?:do not|don't) (?:contact|call|email|write to) us again|(?:unless you|if you do not|if you don't|if you fail to) (?:pay|withdraw|stop|accept|comply|settle|clear)[^.?!;]{0,60}(?:we|you) (?:will|'ll|shall))",
    why: 'pressures the customer with a consequence',
    suggestion: THREAT_SUGGESTION,
  },

  // sarcasm (mild): irony, talking down, false politeness.
  {
    category: 'sarcasm',
    pattern:
      "(?:(?<!(?:we|i) )obviously|evidently|surely you|(?:your|the|this|that) so-called|clearly you (?:have|are|did|do|know|think|were|must)|of course you (?:would|did|will|are|can|know)|as you (?:well |surely |should )?know|as (?:anyone|everyone|any reasonable person) (?:would|could|can|should|knows)|as everyone knows|with all due respect|no offen[cs]e(?:,| but| intended)|believe it or not|good luck with that|what a surprise|(?:big|no) surprise there|funny how|(?:it's|it is|this is|that's|that is) not rocket science|simple enough(?:,| for| to)|i'?m sure you (?:know|understand|realise|realize|can see|will agree|remember)|i am sure you (?:know|understand|realise|realize|can see|will agree|remember)|thanks (?:so much )?for (?:finally|eventually)|how (?:kind|nice|good) of you to (?:finally|eventually)|congratulations on (?:finally|reading|noticing|finding)|(?:apologi[sz]e|sorry) if you (?:feel|felt|think|thought|were|are|have been|found)|sorry you feel that way|if you (?:had|have) (?:actually|even) (?:read|looked))",
    why: 'reads as irony or talking down',
    suggestion: SARCASM_SUGGESTION,
  },
  {
    category: 'sarcasm',
    pattern: `your (?:"|\u201c|')[^"\u201d'\\n]{1,30}(?:"|\u201d|')`,
    why: "scare quotes around the customer's own words mock them",
    suggestion:
      'Use the customer\'s words plainly, without quotation marks around them: "your complaint", not your "complaint".',
    spansQuotes: true,
  },

  // jargon (mild): internal and legal words the customer did not use.
  {
    category: 'jargon',
    pattern:
      '(?:as per|per our (?:records|policy|terms|system|process)|pursuant to|hereinafter|heretofore|hereby|herewith|aforementioned|aforesaid|notwithstanding|in accordance with (?:clause|section|paragraph)|(?:please|kindly) be advised|the undersigned|(?:has|have|was|were|been|being) (?:actioned|dispositioned|triaged|remediated|escalated to (?:tier|level|l\\d|second line|2nd line|back office))|(?:tier|level) (?:1|2|3|one|two|three) (?:support|team|agent)|\\bl[123] (?:support|team)|back(?:-| )?end (?:system|team|issue)|upstream (?:system|provider|team)|root cause analysis|remediation (?:process|activity|team)|ticket (?:number )?(?:has been|was|is) (?:raised|closed|resolved|actioned|updated)|(?:we|i) (?:will|shall) revert(?: back)?|revert (?:back )?to you|at this (?:moment in )?time|(?:leverage|synergy|going forward|circle back|reach out offline)|in receipt of|reconciliation (?:process|run|exercise)|reversal (?:has been )?posted|the (?:said|above-named) (?:account|customer|party))',
    why: 'internal or legal language the customer has to decode',
    suggestion:
      'Use the everyday word: "about" for "pursuant to", "reply" for "revert", "we have looked into it" for "actioned".',
  },
];

/**
 * Acronyms the customer may not know (SLA, KYC, RCA…), matched case-sensitively on the original text;
 * these are the ones everyone knows and the check leaves alone.
 */
export const PLAIN_ACRONYMS: ReadonlySet<string> = new Set([
  'I',
  'A',
  'OK',
  'UK',
  'US',
  'USA',
  'EU',
  'PDF',
  'ID',
  'PIN',
  'TV',
  'FAQ',
  'ATM',
  'VAT',
  'GB',
  'AM',
  'PM',
  'BST',
  'GMT',
  'DVD',
  'CD',
  'SMS',
  'PS',
  'NHS',
  'DIY',
  'UPS',
  'DHL',
  'IBAN',
  'ISA',
  'MOT',
  'GP',
  'BBC',
]);
export const ACRONYM_RULE = {
  category: 'jargon',
  why: 'an abbreviation the customer may not know',
  suggestion: 'Spell it out or use the everyday word ("service level" for SLA, "identity check" for KYC).',
} as const;
