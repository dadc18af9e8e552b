<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AttachmentView</name>
    <message numerus="yes">
        <source>%n attachment(s)</source>
        <translation>
            <numerusform>%n attachment</numerusform>
            <numerusform>%n attachments</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BulkActionsPane</name>
    <message numerus="yes">
        <source>%n message(s) selected</source>
        <translation>
            <numerusform>%n message selected</numerusform>
            <numerusform>%n messages selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n starred</source>
        <translation>
            <numerusform>%n starred</numerusform>
            <numerusform>%n starred</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComposerWindow</name>
    <message numerus="yes">
        <source>%n attachment(s), %1 in all</source>
        <translation>
            <numerusform>%n attachment, %1 in all</numerusform>
            <numerusform>%n attachments, %1 in all</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MailStatusBar</name>
    <message numerus="yes">
        <source>%Ln message(s)</source>
        <translation>
            <numerusform>%Ln message</numerusform>
            <numerusform>%Ln messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s) waiting to be sent</source>
        <translation>
            <numerusform>%Ln message waiting to be sent</numerusform>
            <numerusform>%Ln messages waiting to be sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln draft(s)</source>
        <translation>
            <numerusform>%Ln draft</numerusform>
            <numerusform>%Ln drafts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s) found, looking for more…</source>
        <translation>
            <numerusform>%Ln message found, looking for more…</numerusform>
            <numerusform>%Ln messages found, looking for more…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s) found</source>
        <translation>
            <numerusform>%Ln message found</numerusform>
            <numerusform>%Ln messages found</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n message(s) selected</source>
        <translation>
            <numerusform>%n message selected</numerusform>
            <numerusform>%n messages selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s)</source>
        <translation>
            <numerusform>%n new message</numerusform>
            <numerusform>%n new messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageCommands</name>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) marked as read</source>
        <translation>
            <numerusform>%n message marked as read</numerusform>
            <numerusform>%n messages marked as read</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) marked as unread</source>
        <translation>
            <numerusform>%n message marked as unread</numerusform>
            <numerusform>%n messages marked as unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) starred</source>
        <translation>
            <numerusform>%n message starred</numerusform>
            <numerusform>%n messages starred</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Star removed from %n message(s)</source>
        <translation>
            <numerusform>Star removed from %n message</numerusform>
            <numerusform>Star removed from %n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) moved to %1</source>
        <translation>
            <numerusform>%n message moved to %1</numerusform>
            <numerusform>%n messages moved to %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) moved to the Trash</source>
        <translation>
            <numerusform>%n message moved to the Trash</numerusform>
            <numerusform>%n messages moved to the Trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) archived</source>
        <translation>
            <numerusform>%n message archived</numerusform>
            <numerusform>%n messages archived</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageListView</name>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerSearchBar</name>
    <message numerus="yes">
        <source>The server found %n more message(s).</source>
        <translation>
            <numerusform>The server found %n more message.</numerusform>
            <numerusform>The server found %n more messages.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message numerus="yes">
        <source>…and %n more.</source>
        <translation>
            <numerusform>…and %n more.</numerusform>
            <numerusform>…and %n more.</numerusform>
        </translation>
    </message>
</context>
</TS>
