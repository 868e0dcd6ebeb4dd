"""Common given names and surnames, lowercase: words a rep types when the search box
holds a customer's name rather than a question, so they never leave the desk.

The list covers the English-speaking world's contact centres (British, Irish,
American, South Asian, East Asian, European names common there). On purpose it
leaves out names that are also ordinary words a card uses ("will", "bill", "grant",
"may", "mark", "case", "rose", "page", "price", "banks", "bond", "penny", "grace",
"brown", "king", "hall" …): dropping those would drop real questions such as
"grant extension" or "price match". A name missing here is still caught when it is
one of the call's values, or (with the content's vocabulary) when it is a
capitalised word the content does not know.
"""

from __future__ import annotations

COMMON_NAMES: frozenset[str] = frozenset(
    """
    aaron abigail adam adams agnieszka ahmed ailsa aisha akhtar alan albert alejandro alexander alexis
    alfie alice allen amanda amelia amira amit amy ana ananya anderson andrea andrew andrews andrzej
    angela anil anita ann anna anthony antonio aoife archie arjun arlo arnold arthur ashley atkinson ava
    bailey barbara barker barnes barrett bates beatriz becker begum benjamin bennett betty beverly
    bianchi billy bobby boyd bradley brandon brenda brennan brian bridget brittany bronwen bruce bryan
    bryant burton byrne campbell carl carlos carmen carolyn carroll carter catherine cerys chapman
    charles charlie charlotte chaudhry chavez chen cheryl chiara chloe christian christina christine
    christopher ciara claire clark coleman colleen collins connolly crawford cruz cunningham cynthia
    daniel danielle daniels david davies davis dawson deborah debra deepa deepak deirdre denise dennis
    diana diane diaz diego dixon dmitri doherty donald donna donnelly donovan dorothy douglas doyle
    duncan dunn dylan eduardo edward edwards eileen eilidh elena elijah elizabeth ella ellie elliott
    ellis emily emma eric esposito ethan eugene evans evelyn evie fatima ferguson fernando ferreira
    fiona fischer fitzgerald flanagan fletcher flores fowler frances francesca francesco franklin
    fraser freddie freya gabriel gallagher garcia gardner gary gemma george gerald gibbs gibson gillian
    gilmore giovanni giulia giuseppe glenda gloria gomez gonzales gonzalez goodwin gordon graham gregory
    griffin griffiths gupta gwen hamilton hannah harding harold harper harris harrison harry hassan
    hawkins hayes heather helen henderson henry hernandez hicks hiroshi hodges hodgson hoffmann hogan
    holland hopkins howard howell huang hudson hughes hugo hussain hutchinson ibrahim igor iqbal irina
    isabel isla ivan jacob jacqueline jakub james janet janice jarvis jason javier jean jeffrey jenkins
    jenkinson jennifer jeremy jerry jesse jessica joan joanne joe john johnson jonathan jones jorge jose
    joseph joshua joyce juan judith judy julia julie justin karen katarzyna katherine kathleen
    kathryn kaur kavanagh kavita kayla keane keiko keith kelley kelly kenji kennedy kenneth kerry kevin
    khan kimberly kirby kirsten kirsty kobayashi kowalski krzysztof kumar kyle lambert larry laura
    lauren lawrence lawson layla leanne lee leila leo lewis liam lily linda ling lisa liu llewellyn
    logan lopez lori lorraine louise luca lucas lucia lucy luis lukasz lynch macdonald mackay mackenzie
    maclean magdalena maguire mahmood malik manuel marco marek margaret maria marie marilyn martha
    martin martinez mary mateo matilda matthew matthews maureen mccarthy mcdonald mcgregor mcintyre
    mclean mcmahon megan mei melissa meyer mia michael michelle miguel miller millie mitchell mohammed
    moore morag morales morgan morris muhammad muller murphy murray myers nakamura nancy natalie natasha
    nathan neha nelson nguyen niamh nicholas nichols nicola nicole noah nolan norris novak nowak obrien
    oconnor olga oliveira oliver olivia olson omar ortiz oscar osullivan owen owens pablo pamela patel
    patricia patrick patterson paul paula pavel payne pearson pedro pereira perez perkins perry peter
    peters peterson pham philip phillips phoebe piotr pooja powell pritchard priya quinn qureshi rachel
    rafael rahman rahul raj ralph ramirez ramos randy ravi raymond rebecca reilly reyes reynolds
    rhiannon ricardo ricci richard richardson riley ritchie rivera robert roberts robertson robinson
    rodrigues rodriguez roger rogers romano ronald rosa rossi ruiz russell russo ruth ryan samantha
    samuel sanchez sanders sandra sanjay santiago santos sara sarah scarlett schmidt schneider scott
    sean sergei sergio sharma sharon sheila shirley shona sian siddiqui silva simmons simpson
    sinead singh siobhan smith snyder sofia sophia sophie spencer stacey stephanie stephen stephens
    steven stevens stevenson stewart sullivan sunil sunita susan sutton suzuki svetlana sweeney
    takahashi takeshi tanaka taylor teresa terry theo theresa thomas thompson thomson timothy tomasz
    torres tracey tracy tran tucker tyler vaughan victoria vijay vincent wagner wallace walsh walter
    wang watanabe watkins watson wayne webb weber wei wendy wheeler whitehead william williams willie
    willis wilson wisniewski wright yamamoto yang yasmin yuki yuko zachary zara zhang zhao zhou zoe
    """.split()  # noqa: SIM905 - one word list reads (and diffs) better than 600 quoted strings
)
