//! A kill explained in prose, topic by topic (`analysis::explain` derives it from the
//! event; it is not part of the JSON document).

/// What one sentence of an [`Explanation`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Topic {
    /// The allocation's GFP flags.
    Gfp,
    /// The request's order, as bytes.
    Request,
    /// A zone's watermarks or fragmentation.
    Zone,
    /// RAM and swap in use.
    Memory,
    /// The victim's share of RAM or of the limit.
    Victim,
}

impl Topic {
    /// The label the text views print before the sentence.
    pub fn label(self) -> &'static str {
        match self {
            Topic::Gfp => "gfp flags",
            Topic::Request => "request",
            Topic::Zone => "zone",
            Topic::Memory => "memory",
            Topic::Victim => "victim",
        }
    }
}

/// One sentence of an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub topic: Topic,
    pub text: String,
}

/// The sentences explaining one kill, in topic order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Explanation {
    pub sentences: Vec<Sentence>,
}

impl Explanation {
    /// The sentences about `topic`.
    pub fn about(&self, topic: Topic) -> impl Iterator<Item = &str> {
        self.sentences
            .iter()
            .filter(move |s| s.topic == topic)
            .map(|s| s.text.as_str())
    }
}
