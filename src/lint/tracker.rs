//! The rules about the records of a lead: `state-regression` and `duplicate-delivery`.
//!
//! Fed a capture's records in arrival order, the tracker remembers, per `lead_id`, the last
//! `lead_state` it saw and a hash of each of the last four `last_updated` values: 48 bytes
//! a lead with its key, never a payload, whatever the size of the records.

use std::collections::HashMap;

use serde_json::Value;

use super::{Finding, Node, Rule, RuleSet, quote};

/// How many distinct `last_updated` values of a lead are remembered. A webhook retry
/// arrives soon after the delivery it repeats, and a lead is delivered a handful of times
/// (in progress, completed, an update or two), so the last four cover real captures while
/// a lead costs 40 bytes.
const REMEMBERED: usize = 4;

/// Follows the leads of a capture, record by record, in arrival order.
#[derive(Debug, Default)]
pub struct Tracker {
    rules: RuleSet,
    leads: HashMap<u64, Memory, LeadHashing>,
}

/// How the tracker hashes a `lead_id`: WhatConverts numbers leads in sequence, so a
/// capture's ids come in runs of near neighbours. Ids that differ only in their last six
/// bits land in neighbouring slots of the table (a run of deliveries reads and writes a
/// few cache lines, not a line per lead), and the rest of the id is hashed with a key
/// chosen at random for each run, so that ids chosen to collide can crowd at most 64 of
/// them into a cluster. foldhash's `quality` hasher, not its `fast` one: with some keys the
/// fast one's low bits, which the table's slots are taken from, repeated for sequential
/// ids (1,000 groups of neighbours in as few as 870 of 65,536 buckets of 16 bits, once in
/// about 250 runs; the test below failed so).
#[derive(Debug, Clone, Default)]
struct LeadHashing(foldhash::quality::RandomState);

/// Bits of a `lead_id` kept as they are, at the bottom of its hash.
const NEIGHBOURS: u32 = 6;

impl std::hash::BuildHasher for LeadHashing {
    type Hasher = LeadHasher;

    fn build_hasher(&self) -> LeadHasher {
        LeadHasher {
            keyed: self.0.clone(),
            hash: 0,
        }
    }
}

struct LeadHasher {
    keyed: foldhash::quality::RandomState,
    hash: u64,
}

impl std::hash::Hasher for LeadHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    /// Only `u64` keys are hashed (the map's keys); any other write is mixed in whole.
    fn write(&mut self, bytes: &[u8]) {
        use std::hash::BuildHasher;
        self.hash = self.keyed.hash_one((self.hash, bytes));
    }

    fn write_u64(&mut self, id: u64) {
        use std::hash::BuildHasher;
        let low = id & ((1 << NEIGHBOURS) - 1);
        let spread = self.keyed.hash_one(id >> NEIGHBOURS);
        // The table's slot comes from the low bits, the tag it compares first from the top
        // seven: those mix the low bits in too, so neighbours have different tags.
        self.hash =
            (spread << NEIGHBOURS | low) ^ (low.wrapping_mul(0x9e37_79b9_7f4a_7c15) & (0x7f << 57));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    InProgress,
    Completed,
}

/// What the rules about a lead's records read of one record: its integer `lead_id`, its
/// `lead_state` when that is one they know, and its `last_updated` text. Small and owned,
/// so a record checked on any thread can be handed to the [`Tracker`] without its payload.
#[derive(Debug, Clone)]
pub struct Delivery {
    lead_id: u64,
    /// The state and how the record wrote it.
    lead_state: Option<(State, &'static str)>,
    /// The text and its hash.
    last_updated: Option<(Stamp, u64)>,
    /// Where `lead_state` and `last_updated` start in the record's text, when the record's
    /// representation knows.
    offsets: [Option<usize>; 2],
}

/// A `last_updated` text, kept inline when it is as short as WhatConverts' timestamps (20
/// bytes), so that a delivery costs no allocation on the thread that checks its record nor
/// a free on the one that follows its lead.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stamp {
    Short { len: u8, bytes: [u8; 31] },
    Long(Box<str>),
}

impl Stamp {
    fn new(text: &str) -> Stamp {
        let mut bytes = [0u8; 31];
        // WhatConverts' length, copied as a fixed size (inline, not a call to `memcpy`).
        if let Ok(stamp) = <&[u8; 20]>::try_from(text.as_bytes()) {
            bytes[..20].copy_from_slice(stamp);
            return Stamp::Short { len: 20, bytes };
        }
        match bytes.get_mut(..text.len()) {
            Some(head) => {
                head.copy_from_slice(text.as_bytes());
                Stamp::Short {
                    len: text.len() as u8,
                    bytes,
                }
            }
            None => Stamp::Long(text.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Whole characters of a `str`, copied.
            Stamp::Short { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Stamp::Long(text) => text,
        }
    }
}

/// Two deliveries are equal when the rules read the same of them, wherever it was.
impl PartialEq for Delivery {
    fn eq(&self, other: &Delivery) -> bool {
        (self.lead_id, self.lead_state, &self.last_updated)
            == (other.lead_id, other.lead_state, &other.last_updated)
    }
}

impl Eq for Delivery {}

impl Delivery {
    /// What the rules read of `record` (in any representation, see [`Node`]); `None` when
    /// it is not an object with an integer `lead_id`.
    pub fn of<'a, N: Node<'a>>(record: N) -> Option<Delivery> {
        super::rules::delivery(record)
    }

    /// The delivery of a record whose `lead_id`, `lead_state` and `last_updated` are these.
    pub(super) fn new<'a, N: Node<'a>>(
        lead_id: Option<N>,
        lead_state: Option<N>,
        last_updated: Option<N>,
    ) -> Option<Delivery> {
        let lead_state_node = lead_state;
        let lead_state = lead_state.and_then(N::as_str).and_then(|text| {
            let is = |known: &str| super::rules::same_text(text, known);
            if is("Completed") {
                Some((State::Completed, "Completed"))
            } else if is("In Progress") {
                Some((State::InProgress, "In Progress"))
            } else if is("In Progess") {
                Some((State::InProgress, "In Progess"))
            } else {
                None
            }
        });
        Some(Delivery {
            lead_id: lead_id?.as_u64()?,
            offsets: [lead_state_node, last_updated].map(|n| n.and_then(N::offset)),
            lead_state,
            last_updated: last_updated
                .and_then(N::as_str)
                .map(|text| (Stamp::new(text), stamp_hash(text))),
        })
    }

    /// Where the record's `lead_state` and `last_updated` start in the text it was read
    /// from, when its representation knows (a record on a [`crate::tape::Tape`]).
    pub fn offsets(&self) -> [Option<usize>; 2] {
        self.offsets
    }
}

#[derive(Debug, Default)]
struct Memory {
    state: Option<State>,
    /// Hashes ([`stamp_hash`]) of the last `last_updated` values, oldest overwritten first.
    seen: [u64; REMEMBERED],
    len: u8,
    next: u8,
}

impl Tracker {
    /// A tracker running both of its rules.
    pub fn new() -> Tracker {
        Tracker::with_rules(RuleSet::ALL)
    }

    /// A tracker running those of its rules that `rules` holds (e.g.
    /// [`super::Levels::enabled`]); with neither, it remembers nothing.
    pub fn with_rules(rules: RuleSet) -> Tracker {
        Tracker {
            rules,
            leads: HashMap::default(),
        }
    }

    /// Room made for about `leads` leads at once (a capture's size tells how many it may
    /// hold), so that the table is not grown, and its leads moved, again and again as they
    /// arrive; at most [`Tracker::MAX_RESERVED`].
    pub fn reserve(&mut self, leads: usize) {
        self.leads.reserve(leads.min(Tracker::MAX_RESERVED));
    }

    /// Room made for the leads of inputs of `bytes` bytes (regular files: their sizes): a
    /// lead is delivered as a payload of 2 to 3 KiB, most leads once or twice, so one lead
    /// per 4 KiB (see [`Tracker::reserve`]).
    pub fn reserve_for_input(&mut self, bytes: u64) {
        self.reserve(usize::try_from(bytes / 4096).unwrap_or(usize::MAX));
    }

    /// The most leads [`Tracker::reserve`] makes room for in advance: a table of about
    /// 50 MiB, of which only the slots leads arrive in are ever touched.
    pub const MAX_RESERVED: usize = 1 << 19;

    /// The findings about `value` given the records observed before it. Records without an
    /// integer `lead_id` (and values that are not objects) are ignored.
    pub fn observe(&mut self, value: &Value) -> Vec<Finding> {
        match Delivery::of(value) {
            Some(delivery) => self.deliver(&delivery),
            None => Vec::new(),
        }
    }

    /// The findings about a record, told by what the rules read of it, given the records
    /// observed before it.
    pub fn deliver(&mut self, delivery: &Delivery) -> Vec<Finding> {
        let mut out = Vec::new();
        let regression = self.rules.contains(Rule::StateRegression);
        let duplicate = self.rules.contains(Rule::DuplicateDelivery);
        if !regression && !duplicate {
            return out;
        }
        let lead_id = delivery.lead_id;
        let memory = self.leads.entry(lead_id).or_default();

        if regression {
            let state = delivery.lead_state.map(|(state, _)| state);
            if let (Some((State::InProgress, text)), Some(State::Completed)) =
                (delivery.lead_state, memory.state)
            {
                out.push(Finding::new(
                    Rule::StateRegression,
                    "/lead_state",
                    format!(
                        "lead {lead_id} went from \"Completed\" back to {}; expected \
                         \"Completed\" or no lead_state",
                        quote(text)
                    ),
                ));
            }
            if state.is_some() {
                memory.state = state;
            }
        }

        if duplicate && let Some((text, hash)) = &delivery.last_updated {
            let hash = *hash;
            if memory.seen[..usize::from(memory.len)].contains(&hash) {
                let text = text.as_str();
                out.push(Finding::new(
                    Rule::DuplicateDelivery,
                    "/last_updated",
                    format!(
                        "lead {lead_id} was already delivered with last_updated {}; \
                         expected each delivery to change last_updated",
                        quote(text)
                    ),
                ));
            } else {
                memory.seen[usize::from(memory.next)] = hash;
                memory.next = ((usize::from(memory.next) + 1) % REMEMBERED) as u8;
                memory.len = (usize::from(memory.len) + 1).min(REMEMBERED) as u8;
            }
        }
        out
    }

    /// How many leads the tracker remembers.
    pub fn leads(&self) -> usize {
        self.leads.len()
    }
}

/// A hash of a `last_updated` text, the same on every thread of a run (records are
/// checked on any thread and followed on one): foldhash with a fixed seed, which reads a
/// timestamp sixteen bytes at a time.
fn stamp_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x1ead_c4ec_0000_0001).hash_one(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feed(tracker: &mut Tracker, records: &[Value]) -> Vec<String> {
        records
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                tracker
                    .observe(r)
                    .into_iter()
                    .map(move |f| format!("{i} {} {}: {}", f.rule, f.pointer, f.message))
            })
            .collect()
    }

    #[test]
    fn room_made_in_advance_is_bounded_and_changes_no_finding() {
        // Without the bound, room for usize::MAX leads overflows the table's capacity.
        let records = [
            json!({"lead_id": 1, "lead_state": "Completed", "last_updated": "a"}),
            json!({"lead_id": 1, "lead_state": "In Progress", "last_updated": "a"}),
        ];
        let mut plain = Tracker::new();
        let mut reserved = Tracker::new();
        reserved.reserve(usize::MAX);
        assert_eq!(feed(&mut reserved, &records), feed(&mut plain, &records));
        assert_eq!(feed(&mut Tracker::new(), &records).len(), 2);
    }

    #[test]
    fn state_regression() {
        let mut t = Tracker::with_rules([Rule::StateRegression].into_iter().collect());
        let found = feed(
            &mut t,
            &[
                json!({"lead_id": 1, "lead_state": "In Progess"}),
                json!({"lead_id": 1, "lead_state": "Completed"}),
                json!({"lead_id": 2, "lead_state": "In Progress"}),
                json!({"lead_id": 1, "trigger": "update"}),
                json!({"lead_id": 1, "lead_state": "In Progess"}),
                json!({"lead_id": 1, "lead_state": "In Progress"}),
                json!({"lead_id": 1, "lead_state": "Completed"}),
                json!({"lead_id": 1, "lead_state": "Completed"}),
                json!({"lead_id": 1, "lead_state": "Lost"}),
                json!({"lead_id": 1, "lead_state": "In Progress"}),
            ],
        );
        assert_eq!(
            found,
            [
                r#"4 state-regression /lead_state: lead 1 went from "Completed" back to "In Progess"; expected "Completed" or no lead_state"#,
                r#"9 state-regression /lead_state: lead 1 went from "Completed" back to "In Progress"; expected "Completed" or no lead_state"#,
            ]
        );
        assert_eq!(t.leads(), 2);
    }

    #[test]
    fn duplicate_delivery() {
        let mut t = Tracker::with_rules([Rule::DuplicateDelivery].into_iter().collect());
        let at = |id: u64, when: &str| json!({"lead_id": id, "last_updated": when});
        let found = feed(
            &mut t,
            &[
                at(1, "2016-02-01T14:09:01Z"),
                at(2, "2016-02-01T14:09:01Z"),
                at(1, "2016-02-01T14:31:44Z"),
                json!({"lead_id": 1}),
                at(1, "2016-02-01T14:09:01Z"),
                json!({"last_updated": "2016-02-01T14:09:01Z"}),
                json!({"lead_id": "1", "last_updated": "2016-02-01T14:09:01Z"}),
            ],
        );
        assert_eq!(
            found,
            [
                r#"4 duplicate-delivery /last_updated: lead 1 was already delivered with last_updated "2016-02-01T14:09:01Z"; expected each delivery to change last_updated"#
            ]
        );
    }

    #[test]
    fn a_repeated_last_updated_of_any_length_is_quoted_whole() {
        for when in [
            "",
            "x",
            "2016-02-01T14:09:01Z",
            &"é".repeat(15),
            &"9".repeat(31),
            &"é".repeat(16),
            &"x".repeat(200),
        ] {
            let mut t = Tracker::new();
            let record = json!({"lead_id": 1, "last_updated": when});
            assert!(t.observe(&record).is_empty());
            let found = t.observe(&record);
            assert_eq!(found.len(), 1, "{when}");
            assert!(
                found[0].message.contains(&quote(when).to_string()),
                "{when}"
            );
        }
    }

    #[test]
    fn memory_per_lead_is_bounded() {
        let mut t = Tracker::new();
        for i in 0..REMEMBERED + 1 {
            let when = format!("2016-02-01T14:09:{i:02}Z");
            assert!(
                t.observe(&json!({"lead_id": 7, "last_updated": when}))
                    .is_empty()
            );
        }
        // The oldest value has been forgotten, the others are still known.
        let first = json!({"lead_id": 7, "last_updated": "2016-02-01T14:09:00Z"});
        assert!(t.observe(&first).is_empty());
        let recent = json!({"lead_id": 7, "last_updated": "2016-02-01T14:09:04Z"});
        assert_eq!(t.observe(&recent).len(), 1);
        assert_eq!(std::mem::size_of::<Memory>(), 40);
        assert_eq!(t.leads(), 1);
    }

    #[test]
    fn many_leads_are_each_found_again() {
        // Through the table's growth: dense ids, ids alike in their low bits, and 0 and
        // u64::MAX, each delivered once, then each again (a duplicate) in another order.
        let mut ids: Vec<u64> = (0..5_000).map(|i| 100_000 + i).collect();
        ids.extend((1..5_000).map(|i| i << 20));
        ids.extend([0, u64::MAX]);
        let mut t = Tracker::new();
        let delivery = |id: u64| {
            let value =
                json!({"lead_id": id, "last_updated": format!("2024-01-01T00:00:{:02}Z", id % 60)});
            Delivery::of(&value).unwrap()
        };
        for &id in &ids {
            assert!(t.deliver(&delivery(id)).is_empty(), "{id}");
        }
        assert_eq!(t.leads(), ids.len());
        for &id in ids.iter().rev() {
            let found = t.deliver(&delivery(id));
            assert_eq!(found.len(), 1, "{id}");
            assert!(found[0].message.starts_with(&format!("lead {id} ")));
        }
        assert_eq!(t.leads(), ids.len());
    }

    #[test]
    fn neighbouring_ids_take_neighbouring_slots_with_their_own_tags() {
        use std::hash::BuildHasher;
        let hashing = LeadHashing::default();
        for high in [0u64, 1, 1_562_500, u64::MAX >> NEIGHBOURS] {
            let hashes: Vec<u64> = (0..64)
                .map(|low| hashing.hash_one(high << 6 | low))
                .collect();
            // The slot: the low bits kept, the rest the same for the 64 neighbours.
            for (low, hash) in hashes.iter().enumerate() {
                assert_eq!(hash & 63, low as u64);
                assert_eq!((hash ^ hashes[0]) & !(63 | 0x7f << 57), 0);
            }
            // The tag (top seven bits): different for nearly every neighbour.
            let mut tags: Vec<u64> = hashes.iter().map(|h| h >> 57).collect();
            tags.sort_unstable();
            tags.dedup();
            assert!(tags.len() >= 48, "{}", tags.len());
        }
        // Ids further apart are spread by the keyed hash.
        let spread: std::collections::HashSet<u64> = (0..1000u64)
            .map(|i| hashing.hash_one(i << 6) >> 6 & 0xffff)
            .collect();
        assert!(spread.len() > 900, "{}", spread.len());
    }

    #[test]
    fn off_rules_remember_nothing() {
        let mut t = Tracker::with_rules(RuleSet::EMPTY);
        let r = json!({"lead_id": 1, "last_updated": "x", "lead_state": "Completed"});
        assert!(t.observe(&r).is_empty());
        assert!(t.observe(&r).is_empty());
        assert_eq!(t.leads(), 0);
        // `default()` is `new()`: both rules.
        let mut t = Tracker::default();
        assert!(t.observe(&r).is_empty());
        assert_eq!(t.observe(&r).len(), 1);
        assert_eq!(t.leads(), 1);
    }
}
